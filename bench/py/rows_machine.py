"""The machine rows have no Python anchor: they measure the hardware."""

ROWS = {}
