"""URL rules rewritten for speed give what the plain rules gave: each is
checked against a frozen copy of the rule it replaced, over generated URLs
made to sit on the edges of the fast paths."""

from __future__ import annotations

import posixpath
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from hypothesis import example, given, settings
from hypothesis import strategies as st
from w3lib.url import canonicalize_url

from newscrawl import urls
from newscrawl.urls import TRACKING_PARAMS, decode_path


def old_clean_url(url: str) -> str:
    """``clean_url`` as it was before its fast path (no cache)."""
    parts = urlsplit(url)
    path = decode_path(parts.path)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMS.match(k)
    ]
    url = urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))
    return canonicalize_url(url)


def outcome(function, *arguments):
    """What *function* gives, or the type of what it raises."""
    try:
        return function(*arguments)
    except Exception as error:  # the same failure is the same outcome
        return type(error)


SCHEMES = st.sampled_from(["http", "https", "HTTP", "Https", "ftp", "mailto", ""])
HOSTS = st.one_of(
    st.sampled_from(
        [
            "old.example",
            "127.0.0.1",
            "127.1",
            "0x7f.0.0.1",
            "Old.Example",
            "xn--mgbai9a5eva00b.example",
            "xn--zz.example",
            "a..b",
            ".example",
            "-a.example",
            "1.2.3.4.5",
            "999.0.0.1",
            "a" * 64 + ".example",
            "user@old.example",
            "user:pw@old.example",
            "[::1]",
            "[0:0::1]",
            "old.example.",
            "",
        ]
    ),
    st.text("abcxyz019.-AZ", min_size=0, max_size=12),
)
PORTS = st.sampled_from(["", ":80", ":443", ":0080", ":18501", ":", ":99999", ":8a"])
# Path pieces: safe ASCII, the characters the fast path refuses, escapes of
# every kind (valid and broken UTF-8, ASCII, either case, encoded twice) and
# raw non-ASCII characters.
PIECES = st.one_of(
    st.text("abcAZ09-_~", min_size=1, max_size=4),
    st.sampled_from(
        list("./%;?+ =&@:!$'()*,[]\\\"<>^`{|}\t\n") + ["/", "//", "/.", "/..", "\u200c"]
    ),
    st.characters(min_codepoint=0x80, max_codepoint=0x10FFFF).map(
        lambda c: quote(c, errors="surrogatepass")
    ),
    st.characters(min_codepoint=0x80, max_codepoint=0x10FFFF).map(
        lambda c: quote(c, errors="surrogatepass").lower()
    ),
    st.characters(min_codepoint=0x80, max_codepoint=0x10FFFF).map(
        lambda c: quote(quote(c, errors="surrogatepass"))
    ),
    st.characters(min_codepoint=0x80, max_codepoint=0x10FFFF).map(
        lambda c: (lambda e: e[:3] + e[3:].lower())(quote(c, errors="surrogatepass"))
    ),
    st.integers(0, 255).map(lambda b: f"%{b:02X}"),
    st.integers(0, 255).map(lambda b: f"%{b:02x}"),
    st.characters(min_codepoint=0x80, max_codepoint=0xFFFF, exclude_categories=["Cs"]),
    st.characters(min_codepoint=0x0, max_codepoint=0x20),
)
PATHS = st.lists(PIECES, max_size=8).map(lambda pieces: "/" + "".join(pieces))
QUERIES = st.one_of(
    st.sampled_from(
        [
            "",
            "?",
            "?page=1",
            "?page=0",
            "?page=01",
            "?page=",
            "?page",
            "?Page=2",
            "?page=1&page=2",
            "?page=2&a=1",
            "?b=1&a=2",
            "?utm_source=x",
            "?page=1&utm_source=x",
            "?page=%31",
            "?page=1+",
            "?page=1;x=2",
        ]
    ),
    st.integers(0, 10**6).map(lambda n: f"?page={n}"),
)
FRAGMENTS = st.sampled_from(["", "#", "#main-content", "#a?b", "#/x", "#%D8%AF"])


# Half of them in the fast path's own form (the site's links), most of those
# with one part, or one piece of the path, of something else.
USUAL = st.one_of(
    st.text("abcAZ09-_~", min_size=1, max_size=4),
    st.characters(min_codepoint=0x80, max_codepoint=0x10FFFF, exclude_categories=["Cs"]).map(quote),
    st.just("/"),
)


@st.composite
def url_strings(draw):
    if draw(st.booleans()):
        odd = draw(st.sampled_from(["", "scheme", "host", "port", "piece", "query"]))
        scheme = draw(SCHEMES if odd == "scheme" else st.sampled_from(["http", "https"]))
        host = draw(HOSTS if odd == "host" else st.sampled_from(["old.example", "127.0.0.1"]))
        port = draw(PORTS) if odd == "port" else ""
        pieces = draw(st.lists(USUAL, max_size=10))
        if odd == "piece":
            pieces.insert(draw(st.integers(0, len(pieces))), draw(PIECES))
        path = "/" + "".join(pieces)
        query = draw(QUERIES if odd == "query" else st.sampled_from(["", "?page=1"]))
    else:
        scheme, host, port = draw(SCHEMES), draw(HOSTS), draw(PORTS)
        path, query = draw(PATHS), draw(QUERIES)
        if draw(st.booleans()):
            path = path.lstrip("/")  # no path, or one glued to the port
    return scheme + "://" + host + port + path + query + draw(FRAGMENTS)


FAST = "http://old.example/%D8%AF%D8%B1-%D9%85%D8%AD%D9%84%DB%8C"


@settings(max_examples=600, deadline=None)
@given(url_strings())
@example(FAST)
@example(FAST + "?page=1#main-content")
@example("http://old.example")
@example("http://old.example:80/a")
@example("http://127.1/a")
@example("http://old.example/%25D8%25A5")
@example("http://old.example/%d8%af")
@example("http://old.example/%D8")
@example("http://old.example/%C0%AF")
@example("http://old.example/%ED%A0%80")
@example("http://old.example/%F4%90%80%80")
@example("http://old.example/%41")
@example("http://old.example/a/../b")
@example("http://old.example/a?page=1?x")
def test_clean_url_is_the_old_rule(url):
    assert outcome(urls.clean_url.__wrapped__, url) == outcome(old_clean_url, url)


def test_clean_url_fast_form():
    """The site's usual links take the fast path, and come back as they are."""
    for url in (FAST, FAST + "?page=3", "http://old.example/en/world/x-1"):
        assert urls._CLEAN_FORM.fullmatch(url)
        assert urls.clean_url(url + "#main-content") == url


def old_should_follow(url: str, site: str, languages: tuple[str, ...]) -> bool:
    """``should_follow`` as it was before it split the URL once (no cache)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not old_on_site(url, site):
        return False
    path = unquote(parts.path)
    if urls.SKIP_PATH.search(path):
        return False
    if posixpath.splitext(path)[1].lower() in urls.SKIP_EXTENSIONS:
        return False
    return urls.language_of(url) in languages


def old_on_site(url: str, site: str) -> bool:
    def origin(url):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        try:
            port = parts.port
        except ValueError:
            port = -1
        return scheme, (parts.hostname or "").lower(), port or urls.DEFAULT_PORTS.get(scheme)

    if "://" in site:
        return origin(url) == origin(site)
    return (urlsplit(url).hostname or "").lower() == site.lower()


SITES = st.sampled_from(
    ["http://old.example", "https://old.example", "http://old.example:80", "old.example"]
)
SKIPPED = st.sampled_from(["/user", "/en/admin/x", "/sites/a.png", "/a.PDF", "/en", "/ar/x", ""])


@settings(max_examples=500, deadline=None)
@given(url_strings(), SKIPPED, SITES, st.sampled_from([("en", "fa", "ar"), ("fa",), ("ar",)]))
@example("http://old.example/user", "", "http://old.example", ("fa",))
@example("http://OLD.example:80/en/x", "", "http://old.example", ("en",))
@example("http://old.example:x/", "", "http://old.example", ("fa",))
def test_should_follow_is_the_old_rule(url, path, site, languages):
    if path:  # a path the rules are about, on the generated origin
        url = "/".join(url.split("/", 3)[:3]) + path
    assert outcome(urls.should_follow.__wrapped__, url, site, languages) == outcome(
        old_should_follow, url, site, languages
    )
