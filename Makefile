# newscrawl: the commands people run. See README.md.
.PHONY: setup crawl demo test mongo mongo-stop clean

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
