# The repository's test command is `make test`: the Rust workspace's tests, then the Python
# package built as a wheel, installed into the project's own venv and tested with pytest.
VENV ?= target/py-venv
PY := $(VENV)/bin/python
WHEELS := target/wheels
# Tests use the dev profile (it reuses what `cargo test` built: no second full compile);
# examples and benchmarks want `make wheel PROFILE=release`.
PROFILE ?= dev

.PHONY: test test-rust test-python python-env wheel

test: test-rust test-python

test-rust:
	cargo test --workspace

python-env:
	scripts/python-env.sh $(VENV) >/dev/null

# The wheel `pip install ./crates/fastsci-python` builds, installed into the venv.
wheel: python-env
	rm -f $(WHEELS)/fastsci-*.whl
	$(VENV)/bin/maturin build --profile $(PROFILE) --quiet -m crates/fastsci-python/Cargo.toml -o $(WHEELS)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall $(WHEELS)/fastsci-*.whl

test-python: wheel
	cd crates/fastsci-python && ../../$(PY) -m pytest -q
