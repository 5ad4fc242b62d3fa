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
.PHONY: bench bench-smoke bench-deps
BENCH_N ?= 5000
BENCH_RUNS ?= 1

bench-deps: setup  # nginx from Debian's packages (as root) and bench/requirements.txt
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null \
	  || (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null)
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt

bench: bench-deps  ## the crawl at N = BENCH_N and 2N vs bare Scrapy, WARC, the database stage; bench/results/ and BENCHMARKS.md
	$(PY) -m bench.run --n $(BENCH_N) --runs $(BENCH_RUNS) --markdown BENCHMARKS.md $(BENCH_ARGS)

bench-smoke: bench-deps  ## the benchmark's smoke test: N = 200, one run, small database stage (tests/test_bench_smoke.py)
	$(PY) -m pytest -q -m bench tests/test_bench_smoke.py
