#!/usr/bin/env bash
# The whole flow offline: serve the bundled replica of the old site on
# loopback, crawl it into MongoDB (database "oldsite_demo"), print what landed.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${REPLICA_PORT:-8000}
.venv/bin/python -m tests.replica.server --port "$port" &
replica=$!
trap 'kill $replica 2>/dev/null' EXIT
for _ in $(seq 1 100); do  # wait for the replica's port, 10 s at most
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$replica" 2>/dev/null || { echo "demo: the replica server did not start" >&2; exit 1; }
  sleep 0.1
done

export MONGO_DATABASE=${MONGO_DATABASE:-oldsite_demo}
export NEWSCRAWL_STATS_FILE=${NEWSCRAWL_STATS_FILE:-data/demo-stats.json}
mkdir -p data
scripts/crawl.sh -a base_url="http://127.0.0.1:$port" \
  -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False "$@"
.venv/bin/python - <<'PY'
import json, os
stats = json.load(open(os.environ["NEWSCRAWL_STATS_FILE"]))
print("\nWhat one crawl of the replica stored:")
for key in sorted(stats):
    if key.startswith(("items/", "mongo/", "dropped/")):
        print(f"  {key:28} {stats[key]}")
print(f"  finish_reason                {stats.get('finish_reason')}")
PY
