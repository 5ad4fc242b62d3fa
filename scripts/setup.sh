#!/usr/bin/env bash
# Set up a fresh machine for newscrawl: a virtualenv with the pinned
# requirements, Debian's Chromium for scrapy-playwright, and (when MONGO_URI
# is not set) a cached FerretDB binary. Safe to run again: each step is
# skipped when already done.
#
#   scripts/setup.sh crawl   what a crawl needs: requirements.txt only
#   scripts/setup.sh [dev]   also the tests' and tools' requirements (requirements-dev.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-dev}
case "$MODE" in
  crawl) requirements=requirements.txt ;;
  dev) requirements=requirements-dev.txt ;;
  *) echo "usage: $0 [crawl|dev]" >&2; exit 2 ;;
esac

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.requirements-$MODE.sha"
if [ "$MODE" = crawl ]; then
  want=$(sha256sum <requirements.txt | cut -d' ' -f1)
else
  want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python requirements ($requirements)" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" >"$stamp"
fi

# Chromium for pages that need JavaScript (scrapy-playwright). Playwright's own
# browser download is not needed: Debian's chromium is used.
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian's chromium" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: Chromium not found; JavaScript rendering will be unavailable." >&2
    echo "       Install it with 'sudo apt-get install chromium' or '$VENV/bin/playwright install chromium'." >&2
  fi
fi

# The MongoDB-wire server for tests and for crawls without MONGO_URI.
if [ -z "${MONGO_URI:-}" ]; then
  scripts/ferretdb.sh build >/dev/null
fi
echo "setup: done" >&2
