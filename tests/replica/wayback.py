"""A fake Wayback Machine over the replica (loopback only): the CDX server
API and ``id_`` replay.

    from tests.replica.wayback import start
    with start(throttle=1) as archive:     # the first CDX call answers 429
        archive.settings()                 # WAYBACK_CDX_URL / WAYBACK_REPLAY_URL for a crawl
        archive.cdx_log, archive.replay_log  # what was asked, with arrival/departure times

``CAPTURES`` lists what the archive holds: every stored document of the
replica (``site.EXPECTED_DOCS``) captured several times, on
``iranintl.com`` (2017-2021, http or https, with or without www) and on
``old.iranintl.com`` (from late 2021); earlier captures hold an earlier
version of the page (one more paragraph, ``EARLIER``). Besides: listings, a
Persian original with lowercase percent-encoding, the Arabic-yeh alias,
query-string variants, captures answered 301/404, an image, a revisit
record, and a page of the new site on iranintl.com after the move.

The CDX endpoint (``/cdx/search/cdx``) answers like the Internet Archive's:
``url`` with ``matchType=prefix``, ``output=json`` (a header row first),
``fl``, ``filter=field:regex`` (repeatable, ``!`` negates), ``from``/``to``
(1-14 digits), ``limit``, ``showResumeKey``/``resumeKey`` (``[]`` then
``[key]`` after the rows when more remain), rows sorted by URL key then
timestamp, never collapsed; ``throttle=N`` answers the first N calls 429
with ``Retry-After``, ``down=(url, ...)`` answers those queries 503.
Replay (``/web/<14 digits>id_/<original>``) serves the replica page as
captured; anything else is a 404.
"""

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, quote, quote_plus, unquote, urlsplit

from . import site
from .content import SEED_PATH
from .server import ThreadedServer

EARLIER = "Earlier version of this page."
ALIAS = ("/ايران/قیمت-دلار-به-۲۵-هزار-تومان-رسید", "/ایران/قیمت-دلار-به-۲۵-هزار-تومان-رسید")
NEW_SITE_URL = "https://www.iranintl.com/en/202201051234"
DEFAULT_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


@dataclass(frozen=True)
class Capture:
    timestamp: str
    original: str
    statuscode: str = "200"
    mimetype: str = "text/html"
    version: str = "newest"  # "newest" | "earlier" | "newsite"

    @property
    def path(self):
        """The replica path (unicode) and raw query this capture shows."""
        parts = urlsplit(self.original)
        return unquote(parts.path), parts.query

    @property
    def urlkey(self):
        return urlkey(self.original)

    def row(self, name):
        if name == "urlkey":
            return self.urlkey
        if name in ("digest", "length"):
            digest = hashlib.sha1(f"{self.original} {self.version}".encode()).hexdigest()
            return {"digest": digest[:32].upper(), "length": "1234"}[name]
        return getattr(self, name)


def urlkey(url):
    """A SURT-like key as the CDX server sorts by: host reversed without
    www, no scheme or port, percent-encoding normalized, lowercase."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = quote(unquote(parts.path), safe="/-_.~!$&'()*+,;=:@")
    key = ",".join(reversed(host.split("."))) + ")" + path
    return (key + ("?" + parts.query if parts.query else "")).lower()


def _lower_escapes(path):
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), path)


def _doc_captures(i, path):
    enc = site.enc(path)
    earlier = f"https://www.iranintl.com{enc}"
    if path == site.EXPECTED_DOCS[FIRST_FA]["path"]:
        earlier = f"https://www.iranintl.com{_lower_escapes(enc)}"
    found = [Capture(f"202008{i % 28 + 1:02d}10{i:02d}00", earlier, version="earlier")]
    if i % 4 == 3:  # never captured on old.iranintl.com: newest on iranintl.com
        found.append(
            Capture(f"2021{i % 6 + 1:02d}20{i % 24:02d}{i:02d}00", f"http://iranintl.com{enc}")
        )
    else:
        if i % 3 == 0:
            found.append(
                Capture(
                    f"202112{i % 28 + 1:02d}08{i:02d}00",
                    f"https://old.iranintl.com{enc}",
                    version="earlier",
                )
            )
        origin = "http://old.iranintl.com:80" if i % 4 == 1 else "https://old.iranintl.com"
        found.append(Capture(f"2022{i % 12 + 1:02d}15{i % 24:02d}{i:02d}00", origin + enc))
    if i % 5 == 0:  # newer, but a redirect: filtered out
        found.append(
            Capture(
                f"2023{i % 12 + 1:02d}01000000",
                f"https://old.iranintl.com{enc}",
                statuscode="301",
                version="none",
            )
        )
    if i == 1:  # a revisit record: filtered out
        found.append(
            Capture(
                "20230301000000",
                f"https://old.iranintl.com{enc}",
                statuscode="-",
                mimetype="warc/revisit",
                version="none",
            )
        )
    if path == SEED_PATH:  # query-string variants of the same article
        found.append(
            Capture(
                "20210510120000",
                f"https://www.iranintl.com{enc}?utm_source=twitter",
                version="earlier",
            )
        )
        found.append(Capture("20221220120000", f"https://old.iranintl.com{enc}?page=1"))
    return found


FIRST_FA = next(i for i, d in enumerate(site.EXPECTED_DOCS) if d["language"] == "fa")


def _captures():
    found = []
    for i, doc in enumerate(site.EXPECTED_DOCS):
        found += _doc_captures(i, doc["path"])
        if doc["path"] == ALIAS[1]:  # the alias spelling, captured alike
            found += [
                Capture(
                    c.timestamp,
                    c.original.replace(site.enc(ALIAS[1]), site.enc(ALIAS[0])),
                    c.statuscode,
                    c.mimetype,
                    c.version,
                )
                for c in _doc_captures(i, doc["path"])
            ]
    old = "https://old.iranintl.com"
    for n, path in enumerate(
        ["/en", "/", "/en/world", "/en/world?page=1", "/سیاست", "/en/contact"]
    ):
        found.append(Capture(f"202202{n + 1:02d}000000", old + site.href(path)))
    found += [
        Capture(
            "20220301000000", old + "/en/world/removed-article", statuscode="404", version="none"
        ),
        Capture(
            "20220301000001",
            old + "/sites/default/files/styles/large/public/x.jpg",
            mimetype="image/jpeg",
            version="none",
        ),
        Capture(
            "20211015000000",
            "https://www.iranintl.com" + site.EXPECTED_DOCS[5]["path"],
            statuscode="301",
            version="none",
        ),
        Capture("20220105123400", NEW_SITE_URL, version="newsite"),
    ]
    return found


CAPTURES = _captures()


def doc_captures(path):
    """The captures showing the stored document at *path* (any variant)."""
    return [
        c
        for c in CAPTURES
        if c.version in ("newest", "earlier") and site.resolve(c.path[0]) == path
    ]


def expected_body(expected, version):
    """The body a crawl must store from a capture of that version."""
    if version == "newest":
        return expected["body"]
    first, _, rest = expected["body"].partition("\n\n")
    return "\n\n".join(p for p in (first, EARLIER, rest) if p)


def _new_site_page():
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>New site | Iran International</title>"
        '<meta property="og:type" content="article">'
        f'<link rel="canonical" href="{NEW_SITE_URL}"></head>'
        '<body class="node-type-article"><h1>A page of the new site</h1>'
        '<div class="field-name-body"><p>The new site served this page at iranintl.com '
        "after the old site moved to its own host.</p><p>An archive of the old site must "
        "never take it for one of its articles, whatever it says.</p></div></body></html>"
    ).encode()


class FakeWayback(ThreadedServer):
    name = "fake-wayback"

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        throttle=0,
        retry_after="1",
        cdx_delay=0.05,
        replay_delay=0.02,
        honour_filters=True,
        down=(),
    ):
        self.throttle, self.retry_after = throttle, retry_after
        self.down = set(down)  # CDX queries (url=...) answered 503, always
        self.cdx_delay, self.replay_delay = cdx_delay, replay_delay
        self.honour_filters = honour_filters
        self.cdx_log, self.replay_log = [], []
        self.in_flight = {"cdx": 0, "replay": 0}
        self.max_in_flight = {"cdx": 0, "replay": 0}
        self.rows = sorted(CAPTURES, key=lambda c: (c.urlkey, c.timestamp))
        self.by_replay = {(c.timestamp, unquote(c.original)): c for c in CAPTURES}
        self._lock = threading.Lock()
        self._bind(host, port)
        self.cdx_url = self.base_url + "/cdx/search/cdx"
        self.replay_url = self.base_url + "/web"

    def settings(self):
        return {"WAYBACK_CDX_URL": self.cdx_url, "WAYBACK_REPLAY_URL": self.replay_url}

    # -- CDX --------------------------------------------------------------------
    def cdx(self, query, entry):
        """(status, headers, body) for a CDX query string; the number of rows
        served goes in *entry*."""
        params = parse_qs(query, keep_blank_values=True)

        def one(name, default=None):
            return params.get(name, [default])[0]

        with self._lock:
            calls = len(self.cdx_log)
        if calls <= self.throttle:
            return 429, [("Retry-After", self.retry_after)], b"Too Many Requests"
        if one("url") in self.down:
            return 503, [("Content-Type", "text/plain")], b"Service Unavailable"
        if "page" in params or one("output") != "json" or one("matchType") != "prefix":
            return 400, [], b"this fake answers prefix queries in JSON, without page="
        prefix = urlkey(one("url", ""))
        start = (one("from") or "").ljust(14, "0")
        end = (one("to") or "").ljust(14, "9") if one("to") else None
        fields = one("fl", "").split(",") if one("fl") else list(DEFAULT_FIELDS)
        filters = params.get("filter", []) if self.honour_filters else []
        rows = [
            c
            for c in self.rows
            if c.urlkey.startswith(prefix)
            and c.timestamp >= start
            and (end is None or c.timestamp <= end)
            and all(_match(c, f) for f in filters)
        ]
        resume = one("resumeKey")
        if resume:
            key, _, ts = resume.rstrip("!").rpartition(" ")
            rows = [c for c in rows if (c.urlkey, c.timestamp) > (key, ts)]
        limit = int(one("limit", "150000"))
        page, more = rows[:limit], len(rows) > limit
        entry["rows"] = len(page)
        data = [fields] + [[c.row(f) for f in fields] for c in page]
        if more and one("showResumeKey") == "true":
            last = page[-1]
            data += [[], [quote_plus(f"{last.urlkey} {last.timestamp}!")]]
        body = json.dumps(data) if page else "[]"
        return 200, [("Content-Type", "application/json")], body.encode()

    # -- replay -----------------------------------------------------------------
    def replay(self, ts, original):
        capture = self.by_replay.get((ts, unquote(original)))
        if capture is None:
            return 404, [("Content-Type", "text/plain")], b"not in the archive"
        if capture.version == "newsite":
            return 200, [("Content-Type", site.HTML_TYPE)], _new_site_page()
        path, query = capture.path
        origin = "https://" + urlsplit(capture.original).hostname
        found = site.render(path, query, origin)
        body = found.body
        if capture.version == "earlier":
            body = _earlier(body.decode("utf-8"), path).encode("utf-8")
        status = int(capture.statuscode) if capture.statuscode.isdigit() else 200
        return status, [("Content-Type", found.content_type)], body

    def _handler_class(self):
        archive = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "FakeWayback"
            sys_version = ""

            def do_GET(self):
                arrival = time.monotonic()
                target = self.path
                replay = re.match(r"^/web/(\d{14})id_/(.+)$", target, re.S)
                if target.split("?", 1)[0] == "/cdx/search/cdx":
                    kind, query = "cdx", target.partition("?")[2]
                    entry = {"params": parse_qs(query, keep_blank_values=True)}
                    with archive._lock:
                        archive.cdx_log.append(entry)
                    status, headers, body = archive.cdx(query, entry)
                    delay = archive.cdx_delay
                elif replay:
                    kind = "replay"
                    entry = {"timestamp": replay.group(1), "original": replay.group(2)}
                    with archive._lock:
                        archive.replay_log.append(entry)
                    status, headers, body = archive.replay(*replay.groups())
                    delay = archive.replay_delay
                else:
                    kind, entry, delay = None, {}, 0
                    status, headers, body = 404, [("Content-Type", "text/plain")], b"not found"
                if kind:
                    with archive._lock:
                        archive.in_flight[kind] += 1
                        archive.max_in_flight[kind] = max(
                            archive.max_in_flight[kind], archive.in_flight[kind]
                        )
                time.sleep(delay)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                entry.update(start=arrival, end=time.monotonic(), status=status)
                if kind:
                    with archive._lock:
                        archive.in_flight[kind] -= 1

            def log_message(self, fmt, *args):
                pass

        return Handler


def _match(capture, spec):
    """``field:regex`` (``!field:regex`` negated), as the CDX server filters."""
    negate = spec.startswith("!")
    name, _, pattern = spec.lstrip("!").partition(":")
    found = re.fullmatch(pattern, str(capture.row(name))) is not None
    return found != negate


def _earlier(html, path):
    """The page as captured before its last edit: one more paragraph."""
    first = site.raw(site.DOCS_BY_PATH[site.resolve(path)].paras[0])
    marker = f"<p>{first}</p>"
    assert marker in html, path
    return html.replace(marker, f"{marker}\n<p>{EARLIER}</p>", 1)


def start(**options):
    """Start a fake archive in a daemon thread and return it."""
    return FakeWayback(**options).start()
