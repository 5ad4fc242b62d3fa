"""Processes the benchmark runs beside the crawl: the static server (nginx,
on loopback), FerretDB, and the measurement of their CPU time.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port(preferred=None):
    """*preferred* when it is free on loopback, else any free port."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


def wait_port(port, proc=None, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:g} s")


def process_tree(pid):
    """*pid* and its descendants."""
    pids, todo = [], [pid]
    while todo:
        pids.append(p := todo.pop())
        with contextlib.suppress(OSError):
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
    return pids


def cpu_seconds(pids):
    """User + system CPU seconds of the live processes *pids* (and of their
    children that were waited for)."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        total += (utime + stime + cutime + cstime) / CLK_TCK
    return total


NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  types {{ text/html html; text/plain txt; }}
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/plain;
  access_log off;
  server_tokens off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=50000 inactive=120s;
  client_body_temp_path {work}/tmp/body;
  proxy_temp_path {work}/tmp/proxy;
  fastcgi_temp_path {work}/tmp/fastcgi;
  uwsgi_temp_path {work}/tmp/uwsgi;
  scgi_temp_path {work}/tmp/scgi;
  # ?page=N of a listing is the static file page-N.html; anything else
  # (no page, or ?page=1 of an article: the brief block's page 2) is the
  # directory's index.html.
  map $arg_page $page_file {{
    "~^[0-9]{{1,6}}$" "page-$arg_page.html";
    default "index.html";
  }}
{servers}
}}
"""
NGINX_SERVER = """\
  server {{
    listen 127.0.0.1:{port};
    root {www};
    location / {{ try_files $uri/$page_file $uri/index.html $uri =404; }}
  }}
"""


class Nginx:
    """nginx on loopback for the sites ``{port: www}``; its files in *work*."""

    def __init__(self, sites, work):
        self.sites, self.work, self.proc = dict(sites), Path(work), None

    @staticmethod
    def binary():
        return shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx")

    @staticmethod
    def version():
        if not Nginx.binary():
            return None
        out = subprocess.run([Nginx.binary(), "-v"], check=False, capture_output=True, text=True)
        return (out.stderr or out.stdout).strip().split("/")[-1]

    def start(self):
        if not self.binary():
            raise RuntimeError("nginx is not installed: apt-get install nginx (make bench does it)")
        (self.work / "tmp").mkdir(parents=True, exist_ok=True)
        servers = "".join(NGINX_SERVER.format(port=p, www=www) for p, www in self.sites.items())
        # As root, nginx's workers would run as nobody, who cannot read a
        # site under a private directory (pytest's tmp_path): keep root's.
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf = self.work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user=user, work=self.work, servers=servers))
        with open(self.work / "nginx.out", "w") as out:
            command = [self.binary(), "-c", str(conf), "-p", str(self.work)]
            self.proc = subprocess.Popen(command, stdout=out, stderr=out, start_new_session=True)
        try:
            for port in self.sites:
                wait_port(port, self.proc)
        except RuntimeError as exc:
            self.stop()
            out = (self.work / "nginx.out").read_text()[-2000:]
            raise RuntimeError(f"nginx did not start: {out}") from exc
        return self

    def cpu_seconds(self):
        alive = self.proc is not None and self.proc.poll() is None
        return cpu_seconds(process_tree(self.proc.pid)) if alive else 0.0

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: its workers too
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ------------------------------------------------------------------ FerretDB
class FerretDB:
    """scripts/ferretdb.sh on a free loopback port, data under *work*."""

    def __init__(self, work):
        self.work = Path(work)
        self.port = None

    def start(self):
        self.port = free_port()
        self._script("start", str(self.port), check=True)
        return f"mongodb://127.0.0.1:{self.port}/"

    def _script(self, *args, check=False):
        command = [str(ROOT / "scripts/ferretdb.sh"), args[0], str(self.work), *args[1:]]
        subprocess.run(command, check=check, cwd=ROOT, stdout=sys.stderr)

    def cpu_seconds(self):
        try:
            return cpu_seconds(process_tree(int((self.work / "ferretdb.pid").read_text())))
        except (OSError, ValueError):
            return 0.0

    def stop(self):
        self._script("stop")
