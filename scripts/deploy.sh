#!/usr/bin/env bash
# Deploy newscrawl to a Scrapyd target of scrapy.cfg and check that it worked.
#
#   scripts/deploy.sh [TARGET] [--egg FILE]      TARGET: local (default), compose, ...
#
# Needs SCRAPYD_USERNAME and SCRAPYD_PASSWORD in the environment (the target's
# credentials, see .env.example). Builds the egg from setup.py outside the
# source tree, uploads it with scrapyd-deploy, then fails unless Scrapyd
# accepted it, lists the `oldsite` spider in it and will run it. A rejected
# egg is deleted from Scrapyd again.
#
# The Scrapyd version is the UTC time, YYYYMMDDHHMMSS (or DEPLOY_VERSION).
# Scrapyd runs the highest version, and Scrapyd 1.6 stores a version with
# every character outside [A-Za-z0-9_-] replaced by "_": "0.1.0.post3" becomes
# "0_1_0_post3", which is no PEP 440 version any more, so Scrapyd falls back to
# comparing strings ("0_1_0..." > "0_10_0..."). A fixed-width number sorts the
# same both ways, and above scrapyd-deploy's default (Unix seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
SPIDER=${DEPLOY_SPIDER:-oldsite}
die() { echo "deploy: $*" >&2; exit 1; }

[ -x "$PY" ] && [ -x "$(dirname "$PY")/scrapyd-deploy" ] ||
  die "$PY or scrapyd-deploy is missing: run scripts/setup.sh (make setup) first"

target=local
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then target=$1; shift; fi
egg=""
while [ $# -gt 0 ]; do
  case "$1" in
    --egg) egg=${2:?--egg needs a file}; shift 2 ;;
    *) die "unknown option $1 (usage: scripts/deploy.sh [TARGET] [--egg FILE])" ;;
  esac
done
[ -z "$egg" ] || [ -f "$egg" ] || die "no such egg: $egg"

# The target's URL and project; fails when its credentials are not set.
read -r url project < <("$PY" scripts/scrapyd_api.py target "$target" || echo "")
[ -n "${url:-}" ] || exit 1

pkg=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' newscrawl/__init__.py)
version=${DEPLOY_VERSION:-$(date -u +%Y%m%d%H%M%S)}
[[ $version =~ ^[A-Za-z0-9_-]+$ ]] &&
  "$PY" -c 'import sys; from packaging.version import Version; Version(sys.argv[1])' "$version" 2>/dev/null ||
  die "version $version must be a PEP 440 version made of [A-Za-z0-9_-] only (else Scrapyd compares versions as strings)"

# Scrapyd answers, accepts the credentials, and would run this version.
"$PY" scripts/scrapyd_api.py preflight "$target" "$version"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$egg" ]; then
  # Like scrapyd-deploy's own build, but with build/ and *.egg-info outside the tree.
  if ! "$PY" setup.py -q egg_info --egg-base "$tmp" build --build-base "$tmp/build" \
      bdist_egg --bdist-dir "$tmp/bdist" --dist-dir "$tmp/dist" >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log" >&2
    die "building the egg failed (log above)"
  fi
  egg=$(echo "$tmp"/dist/*.egg)
  [ -f "$egg" ] || die "setup.py built no egg"
fi

if git rev-parse --git-dir >/dev/null 2>&1; then
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")
  [ -z "$(git status --porcelain -- newscrawl setup.py 2>/dev/null)" ] || commit="$commit + uncommitted changes"
else
  commit="not a git checkout"
fi
echo "deploy: $project $pkg ($commit) as version $version to $target ($url)" >&2
if ! "$(dirname "$PY")/scrapyd-deploy" "$target" --version "$version" --egg "$egg" >"$tmp/answer" 2>"$tmp/deploy.log"; then
  cat "$tmp/deploy.log" "$tmp/answer" >&2
  die "scrapyd-deploy failed (output above)"
fi
"$PY" scripts/scrapyd_api.py verify "$target" "$version" "$SPIDER" <"$tmp/answer"
echo "deploy: ok: Scrapyd at $url runs $project $version, spider $SPIDER listed" >&2
