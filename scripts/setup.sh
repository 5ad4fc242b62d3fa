#!/usr/bin/env bash
# Set up a fresh machine for newscrawl: a virtualenv with the pinned
# requirements, Debian's Chromium for scrapy-playwright, and (when MONGO_URI
# is not set) a cached FerretDB binary. Safe to run again: each step is
# skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha"
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python requirements" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements-dev.txt
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
