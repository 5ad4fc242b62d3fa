# Scrapyd with everything newscrawl needs at run time. Scrapyd does not
# install an egg's requirements, so they are installed here (requirements.txt),
# with Debian's Chromium for scrapy-playwright. The project itself is not in
# the image: deploy it with `scripts/deploy.sh compose` (README "Deploying to
# Scrapyd"). Built by docker-compose.yml's scrapyd service.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHROMIUM_PATH=/usr/bin/chromium \
    WARC_DIR=/var/lib/newscrawl/warc \
    MONGO_SPILL_DIR=/var/lib/scrapyd/spill

# Debian's Chromium follows Debian's security updates; a pinned version would
# vanish from the mirror at the next one and break the build.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium \
 && rm -rf /var/lib/apt/lists/*

# Scrapyd 1.6's runner imports pkg_resources, which setuptools 81 removed.
# Keep these pins equal to requirements-dev.txt (tests/test_deploy.py checks).
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt scrapyd==1.6.0 setuptools==80.9.0 \
 && rm /tmp/requirements.txt

# Eggs, logs, items (one JSON-lines file per job), the job history and spill
# files live on the volume mounted at /var/lib/scrapyd; the WARC files on the
# one at /var/lib/newscrawl/warc (created here so a new volume is writable). Credentials: SCRAPYD_USERNAME and
# SCRAPYD_PASSWORD in the environment (Scrapyd reads them itself).
RUN groupadd --system --gid 10001 scrapyd \
 && useradd --system --uid 10001 --gid scrapyd --home-dir /var/lib/scrapyd --shell /usr/sbin/nologin scrapyd \
 && mkdir -p /etc/scrapyd /var/lib/scrapyd/spill /var/lib/newscrawl/warc \
 && chown -R scrapyd:scrapyd /var/lib/scrapyd /var/lib/newscrawl \
 && printf '%s\n' \
      '[scrapyd]' \
      'bind_address = 0.0.0.0' \
      'http_port = 6800' \
      'eggs_dir = /var/lib/scrapyd/eggs' \
      'logs_dir = /var/lib/scrapyd/logs' \
      'items_dir = /var/lib/scrapyd/items' \
      'dbs_dir = /var/lib/scrapyd/dbs' \
      'jobstorage = scrapyd.jobstorage.SqliteJobStorage' \
      'jobs_to_keep = 20' \
      'finished_to_keep = 500' \
      'max_proc = 2' \
      >/etc/scrapyd/scrapyd.conf

USER 10001:10001
WORKDIR /var/lib/scrapyd
EXPOSE 6800

# Up, and refusing requests without credentials (HTTP 401).
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request as r, urllib.error as e\ntry:\n    r.urlopen('http://127.0.0.1:6800/daemonstatus.json', timeout=5)\nexcept e.HTTPError as x:\n    raise SystemExit(x.code != 401)\nraise SystemExit('basic auth is off')"]

# Never listen on 0.0.0.0 without basic auth. No pidfile: a stale one on the
# volume would stop the next container from starting ("Another twistd server
# is running, PID 1").
CMD ["sh", "-c", "if [ -z \"${SCRAPYD_USERNAME:-}\" ] || [ -z \"${SCRAPYD_PASSWORD:-}\" ]; then echo 'scrapyd: set SCRAPYD_USERNAME and SCRAPYD_PASSWORD' >&2; exit 1; fi; exec scrapyd --pidfile="]
