# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The CPU build of torch: plain `pip install torch` pulls ~4 GB of CUDA libraries.
# Where this index is unreachable pip gives up at once and uses a local wheel folder.
TORCH_INDEX := https://download.pytorch.org/whl/cpu
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test test-fast install index corpus chroma eval bench bench-archive system-deps browser-deps clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --retries 0 --timeout 15 --extra-index-url $(TORCH_INDEX) -c constraints.txt torch
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed

## Build the index from corpus/ if it is missing, then serve the app.
run: install
	$(PY) -m ingest build corpus --if-missing
	$(PY) app.py

## Rebuild (sync) the index from corpus/.
index: install
	$(PY) -m ingest build corpus

## Run the whole test suite: unit, end-to-end with the real model, and browser tests when chromium is present.
test: install
	$(PY) -m pytest

## Unit tests only (no real model, no servers).
test-fast: install
	$(PY) -m pytest -m "not slow and not browser and not server"

## Regenerate the demo corpus PDFs byte for byte.
corpus: install
	$(PY) corpus/build_corpus.py

## Serve the index as a Chroma server on 127.0.0.1:8000 (use with COUNCIL_CHROMA_URL=http://127.0.0.1:8000).
chroma: install
	$(VENV)/bin/chroma run --host 127.0.0.1 --port 8000 --path $${COUNCIL_INDEX_DIR:-.index}/chroma

## Run the gold-set evaluation and write evals/results/latest.{md,json}.
eval: install
	$(PY) -m evals

## Run the benchmarks and write evals/results/bench.json (add --sizes 1000,10000,100000 for the 100k figures).
bench: install
	$(PY) -m evals.bench

## The 1,000,000-chunk query run (about 40 minutes on 2 cores), merged into evals/results/bench.json.
bench-archive: install
	$(PY) -m evals.bench --sizes 1000000 --skip real,startup,app,server,concurrent --merge

## Debian chromium (browser tests) and tesseract (OCR of scanned papers); needs root.
system-deps:
	apt-get update && apt-get install -y chromium tesseract-ocr

browser-deps: system-deps

clean:
	rm -rf $(VENV) .index .pytest_cache
