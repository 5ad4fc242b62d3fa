"""The fallback static server (when nginx is not installed): the generated
site with nginx's rules, ``?page=N`` → ``page-N.html`` when it exists, else
``index.html`` of the path's directory, else the file itself.

    python -m bench.static_server --root SITE/www --port 18501
"""

import argparse
import mimetypes
import os
import re
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_to_bytes

PAGE = re.compile(r"(?:^|&)page=(\d{1,6})(?:&|$)")
TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


def resolve(root, target):
    """The file for a request target, or None."""
    path, _, query = target.split("#", 1)[0].partition("?")
    raw = unquote_to_bytes(path.encode("latin-1", "replace"))
    parts = [p for p in raw.decode("utf-8", "replace").split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    base = os.path.join(root, *parts)
    match = PAGE.search(query)
    candidates = ([os.path.join(base, f"page-{match[1]}.html")] if match else []) + \
        [os.path.join(base, "index.html"), base]
    return next((c for c in candidates if os.path.isfile(c)), None)


def handler(root):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as nginx
        server_version = "bench-static"
        sys_version = ""

        def do_GET(self):
            found = resolve(root, self.path)
            if found is None:
                body, status, ctype = b"not found", 404, "text/plain"
            else:
                with open(found, "rb") as f:
                    body = f.read()
                status = 200
                ext = os.path.splitext(found)[1]
                ctype = TYPES.get(ext) or mimetypes.guess_type(found)[0] or "application/octet-stream"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            pass

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer((args.host, args.port), handler(os.path.abspath(args.root)))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"serving {args.root} on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
