# expect: 2:1 only `def`, `import`
class A:
    pass
