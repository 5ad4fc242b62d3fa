"""Processes the benchmark runs beside the crawl: the static server (nginx,
on loopback), FerretDB, and the measurement of their CPU time.
"""

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


def port_free(port):
    """Whether this process can listen on 127.0.0.1:*port* now."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


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


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def process_tree(pid):
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(_children(p))
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


class Server:
    """A running static server for one or more sites (``{port: www}``)."""

    kind = "?"

    def __init__(self, sites, work):
        self.sites, self.work = dict(sites), Path(work)
        self.procs = []

    def pids(self):
        return [p for proc in self.procs if proc.poll() is None for p in process_tree(proc.pid)]

    def cpu_seconds(self):
        return cpu_seconds(self.pids())

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


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


class Nginx(Server):
    kind = "nginx"

    @staticmethod
    def available():
        return shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx")

    @staticmethod
    def version():
        binary = Nginx.available()
        if not binary:
            return None
        out = subprocess.run([binary, "-v"], check=False, capture_output=True, text=True)
        return (out.stderr or out.stdout).strip().split("/")[-1]

    def start(self):
        self.work.mkdir(parents=True, exist_ok=True)
        (self.work / "tmp").mkdir(exist_ok=True)
        servers = "".join(
            NGINX_SERVER.format(port=port, www=www) for port, www in self.sites.items()
        )
        conf = self.work / "nginx.conf"
        # As root, nginx's workers would run as nobody, who cannot read a
        # site under a private directory (pytest's tmp_path): keep root's.
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(NGINX_CONF.format(user=user, work=self.work, servers=servers))
        with open(self.work / "nginx.out", "w") as log:
            proc = subprocess.Popen(
                [self.available(), "-c", str(conf), "-p", str(self.work)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append(proc)
        try:
            for port in self.sites:
                wait_port(port, proc)
        except RuntimeError as exc:
            self.stop()
            out = (self.work / "nginx.out").read_text()[-2000:]
            raise RuntimeError(f"nginx did not start: {out}") from exc
        return self

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGQUIT)  # graceful: workers too
        super().stop()


def start_server(sites, work):
    """Start nginx for *sites* (``{port: www}``)."""
    if not Nginx.available():
        raise RuntimeError(
            "nginx is not installed: apt-get install nginx (make bench does it when run as root)"
        )
    return Nginx(sites, work).start()


# ------------------------------------------------------------------ FerretDB
class FerretDB:
    """scripts/ferretdb.sh on a free loopback port, data under *work*."""

    def __init__(self, work):
        self.work = Path(work)
        self.port = None

    def start(self):
        self.port = free_port()
        subprocess.run(
            [str(ROOT / "scripts/ferretdb.sh"), "start", str(self.work), str(self.port)],
            check=True,
            cwd=ROOT,
            stdout=sys.stderr,
        )
        return f"mongodb://127.0.0.1:{self.port}/"

    def pids(self):
        try:
            pid = int((self.work / "ferretdb.pid").read_text())
        except (OSError, ValueError):
            return []
        return process_tree(pid)

    def cpu_seconds(self):
        return cpu_seconds(self.pids())

    def stop(self):
        subprocess.run(
            [str(ROOT / "scripts/ferretdb.sh"), "stop", str(self.work)],
            check=False,
            cwd=ROOT,
            stdout=sys.stderr,
        )
