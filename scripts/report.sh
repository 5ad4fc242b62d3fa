#!/usr/bin/env bash
# Run `scrapy report ARGS...` against MONGO_URI, or, when it is not set,
# against the embedded FerretDB (data/ferretdb), started on 127.0.0.1:27017
# for the report unless something already listens there.
set -euo pipefail
cd "$(dirname "$0")/.."

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

.venv/bin/scrapy report "$@"
