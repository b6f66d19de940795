# facegate: `make demo` and `make test` set up everything from the package registries.
PYTHON ?= python3.11
VENV := .venv
BUILD_VENV := .venv-build
BIN := $(VENV)/bin

.PHONY: demo test models unit clean

$(VENV)/.installed: pyproject.toml client/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]" -e ./client
	touch $@

$(BUILD_VENV)/.installed: requirements-build.txt
	$(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_VENV)/bin/pip install --quiet --upgrade pip
	$(BUILD_VENV)/bin/pip install --quiet -r requirements-build.txt
	touch $@

models: $(VENV)/.installed $(BUILD_VENV)/.installed
	$(BIN)/facegate models build

demo: models
	$(BIN)/facegate demo

test: models
	$(BIN)/python -m pytest -q

unit: $(VENV)/.installed
	$(BIN)/python -m pytest -q tests/unit

clean:
	rm -rf $(VENV) $(BUILD_VENV) build model_repository/*/1/model.onnx model_repository/*/1/manifest.json
