# newscrawl: the commands people run. See README.md.
.PHONY: setup crawl demo test test-fast mongo mongo-stop clean

PY := .venv/bin/python
MONGO_DATA ?= data/ferretdb
MONGO_PORT ?= 27017

setup:
	scripts/setup.sh

crawl: setup  ## crawl old.iranintl.com into MongoDB (MONGO_URI, or a local FerretDB)
	scripts/crawl.sh $(ARGS)

demo: setup  ## the whole flow offline: serve the bundled replica, crawl it, show counts
	scripts/demo.sh

test: setup  ## the test suite (FerretDB on a free port unless MONGO_URI is set)
	$(PY) -m pytest

test-fast:  ## the fast loop: every test that needs no server, browser or Scrapyd (well under a minute)
	$(PY) -m pytest -q -m "not (db or e2e or browser or deploy or bench)"

mongo:  ## start the embedded FerretDB on 127.0.0.1:$(MONGO_PORT) and leave it running
	scripts/ferretdb.sh start $(MONGO_DATA) $(MONGO_PORT)

mongo-stop:
	scripts/ferretdb.sh stop $(MONGO_DATA)

clean:
	rm -rf .scrapy .pytest_cache

# Deployment (README "Deploying to Scrapyd").
.PHONY: deploy lint
TARGET ?= local

deploy:  ## build the egg and deploy it to the Scrapyd of scrapy.cfg's TARGET (local, compose); needs SCRAPYD_USERNAME/SCRAPYD_PASSWORD
	scripts/deploy.sh $(TARGET)

lint:  ## offline checks of docker-compose.yml (Compose v2 binary) and the Dockerfile (hadolint)
	scripts/lint-compose.sh

# Benchmarks (README "Benchmarks", BENCHMARKS.md).
.PHONY: bench bench-smoke
BENCH_N ?= 5000
BENCH_RUNS ?= 3

bench: setup  ## the whole crawl vs bare Scrapy, news-please and 2N on a generated replica; bench/results/ and BENCHMARKS.md
	@command -v nginx >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null \
	  || (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null)
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(PY) -m bench.run --n $(BENCH_N) --runs $(BENCH_RUNS) --markdown BENCHMARKS.md $(BENCH_ARGS)

bench-smoke: setup  ## the benchmark's CI version: N = 200, one run, no news-please, no profile
	$(PY) -m bench.run --n 200 --runs 1 --no-peer --no-profile --mongo-docs 100 --results-dir bench/.work/smoke-results

# The coverage report (README "The coverage report").
.PHONY: report
report: setup  ## write data/report/report.html from MONGO_URI (or the local FerretDB); ARGS="--crawl ID" for one crawl
	scripts/report.sh $(ARGS)
