#!/usr/bin/env bash
# Run `scrapy crawl oldsite ARGS...` against MONGO_URI, or the embedded
# FerretDB when it is not set (see scripts/with-mongo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-mongo.sh .venv/bin/scrapy crawl oldsite "$@"
