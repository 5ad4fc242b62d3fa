#!/usr/bin/env bash
# Run CMD... (from the project root) against MONGO_URI, or, when it is not set,
# against the embedded FerretDB (SQLite files under ${MONGO_DATA:-data/ferretdb}),
# started on 127.0.0.1:${MONGO_PORT:-27017} for the command unless something
# already listens there, and stopped after it. CMD sees MONGO_URI either way.
#   scripts/with-mongo.sh .venv/bin/scrapy report --crawl ID
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

started=""
if [ -z "${MONGO_URI:-}" ]; then
  port=${MONGO_PORT:-27017}
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    scripts/ferretdb.sh start "${MONGO_DATA:-data/ferretdb}" "$port"
    started=1
  fi
  export MONGO_URI="mongodb://127.0.0.1:$port/"
fi
stop() { [ -z "$started" ] || scripts/ferretdb.sh stop "${MONGO_DATA:-data/ferretdb}"; }
trap stop EXIT

"$@"
