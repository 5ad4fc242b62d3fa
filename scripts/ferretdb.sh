#!/usr/bin/env bash
# Build, start and stop a local FerretDB v1.24.2 (SQLite backend): the
# MongoDB-wire server used by the tests and by `make crawl` when MONGO_URI
# is not set.
#
#   scripts/ferretdb.sh build            print the path of a cached binary, building it once
#   scripts/ferretdb.sh start DIR PORT   start on 127.0.0.1:PORT with data in DIR, wait until it answers
#   scripts/ferretdb.sh stop DIR         stop the server started with DIR
#
# A plain `go install .../cmd/ferretdb@v1.24.2` builds a binary that panics at
# start: the module ships no build/version/version.txt (FerretDB issue 2982).
# With Go >= 1.24 a wrapper module alone does not help either (the build info
# still names FerretDB as the main module), so the wrapper vendors its
# dependencies and writes the missing version.txt into the vendored copy.
set -euo pipefail

VERSION=v1.24.2
CACHE=${NEWSCRAWL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/newscrawl}
BIN=${FERRETDB_BIN:-$CACHE/ferretdb-$VERSION}

build() {
  if [ -x "$BIN" ]; then echo "$BIN"; return; fi
  command -v go >/dev/null || {
    echo "ferretdb: Go is not installed. Install Go (https://go.dev/dl/) or set MONGO_URI to any MongoDB (e.g. 'docker compose up -d mongo')." >&2
    exit 1
  }
  local work; work=$(mktemp -d)
  # A failed build leaves nothing behind (the module cache stays, for the next try).
  trap 'rm -rf "$work"' EXIT
  echo "ferretdb: building FerretDB $VERSION (once; cached at $BIN)" >&2
  (
    cd "$work"
    go mod init local/fdb >/dev/null 2>&1
    go get -tool "github.com/FerretDB/FerretDB/cmd/ferretdb@$VERSION" >&2
    go mod vendor >&2
    echo "$VERSION" >vendor/github.com/FerretDB/FerretDB/build/version/version.txt
    CGO_ENABLED=0 go build -mod=vendor -o "$work/ferretdb" github.com/FerretDB/FerretDB/cmd/ferretdb >&2
  )
  mkdir -p "$(dirname "$BIN")"
  mv "$work/ferretdb" "$BIN"
  echo "$BIN"
}

start() {
  local dir=$1 port=$2 bin
  bin=$(build)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/ferretdb.pid" ] && kill -0 "$(cat "$dir/ferretdb.pid")" 2>/dev/null; then
    echo "ferretdb: already running (pid $(cat "$dir/ferretdb.pid"))" >&2
    return
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "ferretdb: port $port is already in use by another process; pick another port" >&2
    exit 1
  fi
  DO_NOT_TRACK=1 nohup "$bin" --handler=sqlite --sqlite-url="file:$dir/" \
    --listen-addr="127.0.0.1:$port" --state-dir=- --debug-addr=- \
    --telemetry=disable --log-level=warn >"$dir/ferretdb.log" 2>&1 &
  echo $! >"$dir/ferretdb.pid"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "ferretdb: listening on 127.0.0.1:$port, data in $dir" >&2
      return
    fi
    kill -0 "$(cat "$dir/ferretdb.pid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "ferretdb: did not start; its log:" >&2
  cat "$dir/ferretdb.log" >&2
  exit 1
}

stop() {
  local pidfile=$1/ferretdb.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  # Wait until it has exited (its SQLite files are closed), 10 s at most.
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "ferretdb: pid $pid did not stop in 10 s; killing it" >&2
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  build) build ;;
  start) start "${2:?data dir}" "${3:?port}" ;;
  stop) stop "${2:?data dir}" ;;
  *) echo "usage: $0 build | start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
