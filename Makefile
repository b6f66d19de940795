# facegate: `make demo` and `make test` set up everything from the package registries.
PYTHON ?= python3.11
VENV := .venv
BUILD_VENV := .venv-build
BIN := $(VENV)/bin

.PHONY: demo test models unit bench gpu-check loadtest evaluate browser clean redis-server

$(VENV)/.installed: pyproject.toml client/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,bench]" -e ./client
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

test: models browser redis-server
	$(BIN)/python -m pytest -q

# The capture page's browser test drives Debian's Chromium headless through chromium-driver (root: CI).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

# The fleet tests run a real Redis (Debian's redis-server; CI runs as root on a fresh machine).
redis-server:
	@command -v redis-server >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server)

# The limit, the naive baseline and facegate via Triton in one run; writes docs/benchmark.md + .png.
bench: models
	$(BIN)/python -m facegate.bench $(BENCH_ARGS)

# On a GPU node: placement (CUDA EP, nvJPEG), served outputs vs the CPU path, bench at rising concurrency.
# GPU_CHECK_ARGS="--tensorrt" for the TensorRT EP (FP16, engine cache); "--device cpu" runs it without a GPU.
GPU_CHECK_ARGS ?=
gpu-check: models
	$(BIN)/python -m facegate.bench.gpu_check $(GPU_CHECK_ARGS)

# locust against a server it starts (LOADTEST_ARGS="--host h1:8001,h2:8001" for running nodes);
# CSV + HTML in build/loadtest/.
LOADTEST_ARGS ?= --users 4 --run-time 60s
loadtest: models
	$(BIN)/python -m facegate.bench.loadtest $(LOADTEST_ARGS)

# Real clips and photo sets through the served pipeline against hand labels; writes docs/accuracy.md + .png
# (about 30 minutes on 2 shared cores; not part of `make test`).
evaluate: models
	$(BIN)/python -m facegate.evaluation.run $(EVALUATE_ARGS)

unit: $(VENV)/.installed
	$(BIN)/python -m pytest -q tests/unit

clean:
	rm -rf $(VENV) $(BUILD_VENV) build model_repository/*/1/model.onnx model_repository/*/1/manifest.json
