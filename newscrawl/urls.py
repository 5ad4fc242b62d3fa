"""URL rules: what to follow, and one canonical form per page."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# The link rules' caches (a URL's clean form, its article key, whether it is
# followed): entries for the links every page shows stay, the rest turn over,
# so memory does not grow with the site (a miss costs a few µs).
URL_CACHE_SIZE = 8192

# Query parameters that never change what a page shows.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref|ref_src|_ga|amp|share)$",
    re.IGNORECASE,
)
# Paths that are never articles or listings (Drupal 7 and static files).
SKIP_PATH = re.compile(
    r"^/(?:en/)?(?:user|admin|search|node/add|filter/tips|comment|print|rss\.xml|feed)(?:/|$)"
    r"|^/(?:en/)?sites/|^/misc/|^/modules/|^/themes/|^/profiles/",
    re.IGNORECASE,
)
SKIP_EXTENSIONS = {
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".svg",
    ".ico",
    ".bmp",
    ".tif",
    ".tiff",
    ".mp3",
    ".mp4",
    ".m4a",
    ".webm",
    ".ogg",
    ".wav",
    ".avi",
    ".mov",
    ".flv",
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".zip",
    ".rar",
    ".gz",
    ".css",
    ".js",
    ".json",
    ".xml",
    ".txt",
}


# The site's editions, and the home page of each.
LANGUAGES = ("en", "fa", "ar")
HOME_PATHS = {"en": "/en", "fa": "/", "ar": "/ar"}
# Editions with a path prefix; everything else is the Persian edition at the root.
EDITION_PREFIXES = (("en", "/en"), ("ar", "/ar"))
# A UTF-8 character percent-encoded (2 to 4 bytes): what a path encoded twice
# still holds after one decoding (``%25D8%25A5`` -> ``%D8%A5``).
_ESCAPED_UTF8 = re.compile(r"%[C-F][0-9A-F](?:%[89AB][0-9A-F]){1,3}", re.I)
# hrefs that are no page: in-page anchors and other schemes.
NOT_PAGES = ("#", "mailto:", "javascript:", "tel:", "data:")


def language_of(url: str) -> str:
    """``en`` under ``/en``, ``ar`` under ``/ar``, ``fa`` for everything else."""
    return _edition(urlsplit(url).path)


def _edition(path: str) -> str:
    for language, prefix in EDITION_PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return language
    return "fa"


# One non-ASCII character in UTF-8, percent-encoded in upper case (RFC 3629's
# well-formed sequences: no overlong form, no surrogate, nothing above U+10FFFF).
_TAIL = "%[89AB][0-9A-F]"
_ESCAPED_CHAR = (
    f"%C[2-9A-F]{_TAIL}|%D[0-9A-F]{_TAIL}"
    f"|%E0%[AB][0-9A-F]{_TAIL}|%E[1-9A-CEF]{_TAIL}{_TAIL}|%ED%[89][0-9A-F]{_TAIL}"
    f"|%F0%[9AB][0-9A-F]{_TAIL}{_TAIL}|%F[1-3]{_TAIL}{_TAIL}{_TAIL}|%F4%8[0-9A-F]{_TAIL}{_TAIL}"
)
# A URL that ``clean_url`` gives back as it is, less its fragment: a lower-case
# http(s) origin; a path of unreserved ASCII (no dot: no dot segment) and
# escaped non-ASCII characters, which decoding and encoding again leave as
# they are; at most a ``?page=N``. Most links of the site have this form.
_CLEAN_FORM = re.compile(
    rf"(https?)://([a-z0-9.-]+(?::[0-9]+)?)(?:/(?:[A-Za-z0-9_~-]|{_ESCAPED_CHAR})*)+"
    r"(?:\?page=[0-9]+)?"
)


@lru_cache(maxsize=URL_CACHE_SIZE)  # the same links stand on every page
def clean_url(url: str) -> str:
    """The URL to request: no fragment, no tracking parameters, percent-encoding
    and query order normalized. Zero-width characters stay: some Drupal paths
    really contain them, and the page is only found with them."""
    head = url.partition("#")[0]  # what urlsplit reads the other parts from
    form = _CLEAN_FORM.fullmatch(head)
    if form is not None and _clean_origin(form[1], form[2]):
        return head  # canonicalize_url's 17 µs spared
    return _clean_url(url)


@lru_cache(maxsize=256)  # a few origins per crawl
def _clean_origin(scheme: str, netloc: str) -> bool:
    """Whether ``clean_url`` leaves this origin as it is (a default port, a
    host that is an IPv4 address in another spelling, an IDNA label would
    change): the host is read the same whatever path follows."""
    origin = f"{scheme}://{netloc}/"
    return _clean_url(origin) == origin


def _clean_url(url: str) -> str:
    """``clean_url`` the long way."""
    parts = urlsplit(url)
    path = decode_path(parts.path)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMS.match(k)
    ]
    url = urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))
    return canonicalize_url(url)


def decode_path(path: str) -> str:
    """*path* percent-decoded, also when it was encoded twice (links seen in
    the wild: ``/ar/%25D8%25A5…``): escapes of UTF-8 characters left after
    one decoding are decoded too; any other ``%`` stays as it is."""
    path = unquote(path)
    for _ in range(2):  # encoded twice, or three times
        decoded = _ESCAPED_UTF8.sub(_unescape, path)
        if decoded == path:
            break
        path = decoded
    return path


def _unescape(match: re.Match) -> str:
    try:
        return unquote(match.group(0), errors="strict")
    except UnicodeDecodeError:
        return match.group(0)


@lru_cache(maxsize=URL_CACHE_SIZE)  # the same links stand on every page
def article_key(url: str) -> str:
    """The canonical URL an article is stored under: ``clean_url`` without
    any query (``?page=N`` on an article only pages its sidebar block) and
    without a trailing slash."""
    parts = urlsplit(clean_url(url))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of *url*, the port spelled out: what makes a site."""
    parts = urlsplit(url)
    return _origin(parts.scheme, parts.netloc)


@lru_cache(maxsize=4096)  # a few hosts link from every page (share buttons, the site)
def _origin(scheme: str, netloc: str) -> tuple[str, str, int | None]:
    parts = SplitResult(scheme, netloc, "", "", "")  # port and hostname: read from netloc
    scheme = scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is no number: no origin of ours
        port = -1
    return scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme)


def on_site(url: str, site: str) -> bool:
    """Whether *url* is on *site*: an origin URL (``https://old.iranintl.com``,
    the live site: same scheme, host and port) or a bare host name (archived
    pages, captured under any scheme and port: same host)."""
    return _on_site(urlsplit(url), site)


def _on_site(parts: SplitResult, site: str) -> bool:
    """``on_site`` for a URL split already."""
    if "://" in site:
        return _origin(parts.scheme, parts.netloc) == origin(site)
    return _origin(parts.scheme, parts.netloc)[1] == site.lower()


@lru_cache(maxsize=URL_CACHE_SIZE)  # the same links stand on every page
def should_follow(url: str, site: str, languages: tuple[str, ...]) -> bool:
    """Whether a link is a page of this crawl: on the *site* (see
    ``on_site``), a wanted language, not a static file or a Drupal system path."""
    parts = urlsplit(url)  # once for all the rules
    if parts.scheme not in ("http", "https") or not _on_site(parts, site):
        return False
    return _path_followed(parts.path, languages)


@lru_cache(maxsize=URL_CACHE_SIZE)  # a page, its ?page=N and its #main-content: one path
def _path_followed(path: str, languages: tuple[str, ...]) -> bool:
    """``should_follow``'s rules on the path (decoding it: 5 µs)."""
    decoded = unquote(path)
    if SKIP_PATH.search(decoded):
        return False
    if posixpath.splitext(decoded)[1].lower() in SKIP_EXTENSIONS:
        return False
    return _edition(path) in languages


def elsewhere(href: str, site: str) -> bool:
    """Whether *href* is an absolute http(s) link off the *site*, told without
    joining it to its page (``urljoin`` keeps such a link's scheme and host):
    the share buttons' links, a third of the links a crawl meets once."""
    if not href.startswith(("http://", "https://")):
        return False
    parts = urlsplit(href)
    return bool(parts.netloc) and not _on_site(parts, site)


def is_page_href(href: str) -> bool:
    """Whether an ``href`` may lead to a page (not empty, an anchor, mail…)."""
    return bool(href) and not href.startswith(NOT_PAGES)


def is_pager(url: str, *page_urls: str) -> bool:
    """Whether *url* is a ``?page=N`` of the page at *page_urls* (its URL, and
    the canonical URL it names): a pager of a block on that page, or of the
    listing itself."""
    if "page=" not in url:  # the common case, decided without parsing
        return False
    parts = urlsplit(url)
    if "page" not in dict(parse_qsl(parts.query)):
        return False
    path = decode_path(parts.path)
    return any(decode_path(urlsplit(here).path) == path for here in page_urls if here)
