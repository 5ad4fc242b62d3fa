"""HTTP server for the old.iranintl.com replica (loopback only).

    from tests.replica.server import start
    with start() as srv:            # port 0: a free port is picked
        srv.base_url                # "http://127.0.0.1:PORT"
        srv.set_override("/en/world/x", "<html>...</html>")
        srv.hits["/en/world?page=1"]

CLI: ``python -m tests.replica.server --port 8000 [--verbose]``.
"""

import argparse
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from collections import Counter, namedtuple
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_to_bytes

from . import site


def decode_target(target):
    """Split a request target into (unicode path, raw query).

    http.server hands us the request line decoded as latin-1; recover the
    bytes so that both percent-encoded and raw UTF-8 paths work.
    """
    target = target.split("#", 1)[0]
    path, _, query = target.partition("?")
    raw = unquote_to_bytes(path.encode("latin-1", "replace"))
    return raw.decode("utf-8", "replace"), query


# What a route answers: any status, headers and bytes; optionally after a
# delay, or a connection reset (RST) instead of any answer.
Reply = namedtuple("Reply", "status headers body delay reset", defaults=(200, (), b"", 0, False))


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a crawler opens many connections at once


class ThreadedServer:
    """An HTTP server on loopback, served from a daemon thread; a context
    manager. Subclasses give ``_handler_class()`` and call ``_bind()``."""

    name = "test-server"

    def _bind(self, host, port):
        self._httpd = _HTTPServer((host, port), self._handler_class())
        self._thread = None
        host, port = self._httpd.server_address[:2]
        self.base_url = f"http://{host}:{port}"

    def start(self):
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=self.name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and close the socket (safe to call twice)."""
        thread, self._thread = self._thread, None
        if thread:
            self._httpd.shutdown()
            thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class ReplicaServer(ThreadedServer):
    name = "replica-server"

    def __init__(self, host="127.0.0.1", port=0, verbose=False):
        self.verbose = verbose
        self.hits = Counter()
        self._overrides = {}
        self._routes = {}
        self._lock = threading.Lock()
        self._bind(host, port)

    # -- public API ---------------------------------------------------------
    def set_override(self, path, html):
        """Serve ``html`` (str) for the unicode ``path`` (any query) from now on."""
        with self._lock:
            self._overrides[self._key(path)] = html

    def clear_overrides(self):
        with self._lock:
            self._overrides.clear()
            self._routes.clear()

    def set_route(self, path, reply):
        """Answer ``path`` with ``reply(query) -> Reply`` (the broken corner)."""
        with self._lock:
            self._routes[self._key(path)] = reply

    def page_html(self, path, query=""):
        """The HTML currently served for ``path`` (override or replica page)."""
        status, _, body = self.respond(path, query, self.base_url)
        return body.decode("utf-8")

    def url(self, path):
        return self.base_url + site.enc(path)

    # -- internals ----------------------------------------------------------
    @staticmethod
    def _key(path):
        return path.rstrip("/") or "/"

    def respond(self, path, query, origin):
        with self._lock:
            override = self._overrides.get(self._key(path))
        if override is not None:
            return site.Response(200, site.HTML_TYPE, override.encode("utf-8"))
        return site.render(path, query, origin)

    def _record(self, path, query):
        with self._lock:
            self.hits[path + ("?" + query if query else "")] += 1

    def _handler_class(self):
        replica = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "Apache"
            sys_version = ""

            def _serve(self, send_body):
                path, query = decode_target(self.path)
                replica._record(path, query)
                with replica._lock:
                    route = replica._routes.get(replica._key(path))
                if route is not None:
                    return self._raw(route(query), send_body)
                origin = "http://" + (
                    self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
                )
                try:
                    response = replica.respond(path, query, origin)
                except Exception:  # a bug in the replica must not look like a network error
                    traceback.print_exc()
                    response = site.Response(500, "text/plain; charset=utf-8", b"replica error")
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                if response.content_type.startswith("text/html"):
                    self.send_header("X-Generator", "Drupal 7 (http://drupal.org)")
                self.end_headers()
                if send_body:
                    self.wfile.write(response.body)

            def _raw(self, reply, send_body):
                time.sleep(reply.delay)
                if reply.reset:
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                if not any(name.lower() == "content-length" for name, _ in reply.headers):
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(reply.body)

            def do_GET(self):
                self._serve(True)

            def do_HEAD(self):
                self._serve(False)

            def log_message(self, fmt, *args):
                if replica.verbose:
                    super().log_message(fmt, *args)

        return Handler


def start(host="127.0.0.1", port=0, verbose=False):
    """Start the replica in a daemon thread and return the running server."""
    return ReplicaServer(host, port, verbose).start()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve the old.iranintl.com replica.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    server = start(args.host, args.port, args.verbose)
    print(server.base_url, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        threading.Event().wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
