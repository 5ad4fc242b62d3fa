# newscrawl: the commands people run. `make` alone lists them; see README.md.
.DEFAULT_GOAL := help
.PHONY: help setup setup-crawl crawl demo report test test-fast lint mongo mongo-stop clean \
        deploy bench bench-smoke bench-deps

PY := .venv/bin/python
MONGO_DATA ?= data/ferretdb
MONGO_PORT ?= 27017
TARGET ?= local
BENCH_N ?= 5000
BENCH_RUNS ?= 1

help:  ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup:  ## virtualenv with everything (tests, tools), Chromium, FerretDB
	scripts/setup.sh dev

setup-crawl:  ## virtualenv with what a crawl needs only, Chromium, FerretDB
	scripts/setup.sh crawl

crawl: setup-crawl  ## crawl old.iranintl.com into MongoDB (MONGO_URI, or a local FerretDB); ARGS="-a ..." for spider arguments
	scripts/crawl.sh $(ARGS)

demo: setup-crawl  ## the whole flow offline: serve the bundled replica, crawl it, show counts
	scripts/demo.sh

test: setup  ## the whole test suite (FerretDB on a free port unless MONGO_URI is set)
	$(PY) -m pytest

test-fast:  ## the fast loop: every test that needs no server, browser or Scrapyd (well under a minute)
	$(PY) -m pytest -q -m "not (db or e2e or browser or deploy or bench)"

lint: setup  ## ruff (check and format), docker-compose.yml (Compose v2 binary) and the Dockerfile (hadolint), offline
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	scripts/lint-compose.sh

mongo:  ## start the embedded FerretDB on 127.0.0.1:$(MONGO_PORT) and leave it running
	scripts/ferretdb.sh start $(MONGO_DATA) $(MONGO_PORT)

mongo-stop:  ## stop it
	scripts/ferretdb.sh stop $(MONGO_DATA)

deploy: setup  ## build the egg and deploy it to the Scrapyd of scrapy.cfg's TARGET (local, compose); needs SCRAPYD_USERNAME/SCRAPYD_PASSWORD
	scripts/deploy.sh $(TARGET)

bench-deps: setup  # nginx from Debian's packages (as root) and bench/requirements.txt
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null \
	  || (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null)
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt

bench: bench-deps  ## the crawl at N = BENCH_N and 2N vs bare Scrapy, WARC, the database stage (bench/results/, BENCHMARKS.md)
	$(PY) -m bench.run --n $(BENCH_N) --runs $(BENCH_RUNS) --markdown BENCHMARKS.md $(BENCH_ARGS)

bench-smoke: bench-deps  ## the benchmark's small version (N = 200, one run), as a test
	$(PY) -m pytest -q -m bench tests/test_bench_smoke.py

clean:  ## remove caches
	rm -rf .scrapy .pytest_cache .ruff_cache

# The coverage report (README "The coverage report").
.PHONY: report
report: setup-crawl  ## write data/report/report.html from MONGO_URI (or the local FerretDB); ARGS="--crawl ID" for one crawl
	scripts/with-mongo.sh .venv/bin/scrapy report $(ARGS)
