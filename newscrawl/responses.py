"""What can be wrong with a page before it is parsed, and how to mend it."""

import re
from functools import lru_cache

from lxml import etree, html
from parsel.selector import create_root_node
from scrapy.http import TextResponse
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
)

# Control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")
_ARABIC_LETTERS = re.compile("[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")
_HTML_END = re.compile(rb"</html\s*>", re.IGNORECASE)
_UTF8_NAMES = {"utf-8", "utf8"}
_ASCII_BYTES = bytes(range(128))
# Labels a Persian page in Windows-1256 was wrongly served with (w3lib reads
# ISO-8859-1 as cp1252).
_WESTERN_NAMES = {"cp1252", "iso-8859-1", "latin-1", "latin1", "windows-1252"}
# A body is UTF-8 with stray bytes, not another encoding, when its valid
# non-ASCII characters outnumber its invalid sequences this many times.
UTF8_MAJORITY = 10
# Arabic-script letters a Windows-1256 reading must show (in its first 20,000
# characters) to be believed.
MIN_ARABIC_LETTERS = 20


def problem(response: TextResponse) -> str | None:
    """Why *response* cannot be parsed as a page (``empty``, ``binary``), or
    None. A page cut off before ``</html>``, or shorter than its
    Content-Length said (Scrapy's ``dataloss`` flag), is ``truncated``: it is
    still parsed, for what it holds, but said and counted."""
    body = response.body
    if not body.strip():
        return "empty"
    head = body[:4096]
    if b"\x00" in head or len(_CONTROL.findall(head)) > len(head) // 100:
        return "binary"
    if "dataloss" in response.flags or not _HTML_END.search(body[-2048:]):
        return "truncated"
    return None


def truncation(response: TextResponse) -> str:
    """How *response* is truncated, for the log line."""
    if "dataloss" in response.flags:
        expected = response.headers.get("Content-Length", b"?").decode("latin-1")
        return f"{len(response.body)} of {expected} bytes arrived"
    return "no </html>"


# The page's body is read twice (``guess_encoding``, then ``invalid_bytes`` on
# the same bytes): the last answer is kept.
@lru_cache(maxsize=1)
def utf8_errors(body: bytes) -> tuple[int, int]:
    """``(invalid, valid)``: the invalid byte sequences in *body* read as
    UTF-8, and the valid non-ASCII characters."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("utf-8", "replace")
        invalid = text.count("\ufffd") - body.count("\ufffd".encode())
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        return invalid, non_ascii - invalid
    # Valid UTF-8 (most pages): each ASCII byte is an ASCII character, and
    # every other character is made of other bytes.
    return 0, len(text) - (len(body) - len(body.translate(None, _ASCII_BYTES)))


def declared_encoding(response: TextResponse) -> str | None:
    """The encoding the page itself states: its BOM, its Content-Type header
    or its ``<meta charset>``; None when it states none."""
    bom, _ = read_bom(response.body)
    if bom:
        return bom
    header = response.headers.get("Content-Type", b"").decode("latin-1")
    return http_content_type_encoding(header) or html_body_declared_encoding(response.body)


def guess_encoding(response: TextResponse) -> str | None:
    """The encoding *response* really is in, when that is not what Scrapy
    read it as; else None.

    A page that states no encoding, or states UTF-8 or a Western one, is
    UTF-8 when most of its non-ASCII text is valid UTF-8: an isolated invalid
    byte is only replaced (U+FFFD) where it stands. It is Windows-1256 when it
    is not UTF-8 and reads as Arabic-script text in Windows-1256."""
    declared = declared_encoding(response)
    if declared and read_bom(response.body)[0]:
        return None
    name = (declared or "").lower().replace("_", "-")
    if declared and name not in _UTF8_NAMES | _WESTERN_NAMES:
        return None  # a page that says windows-1256, koi8-r, … is taken at its word
    invalid, valid = utf8_errors(response.body)
    if not invalid or valid >= UTF8_MAJORITY * invalid > 0:
        if not valid or response.encoding.lower().replace("_", "-") in _UTF8_NAMES:
            return None  # ASCII (read the same in any encoding), or read as UTF-8 already
        return "utf-8"
    try:
        text = response.body.decode("cp1256")
    except UnicodeDecodeError:
        return None
    if len(_ARABIC_LETTERS.findall(text[:20000])) < MIN_ARABIC_LETTERS:
        return None
    return "cp1256"


def fix_encoding(response: TextResponse) -> TextResponse:
    """*response* decoded right (see ``guess_encoding``)."""
    encoding = guess_encoding(response)
    return response if encoding is None else response.replace(encoding=encoding)


def invalid_bytes(response: TextResponse) -> int:
    """How many invalid sequences a page read as UTF-8 holds (each shown as
    U+FFFD where it stood)."""
    if response.encoding.lower().replace("_", "-") not in _UTF8_NAMES:
        return 0
    return utf8_errors(response.body)[0]


class HtmlParser(etree.HTMLParser):
    """The parser of ``lxml.html`` (and so of Scrapy's selectors), giving the
    same tree of ``HtmlElement``, but with its element classes chosen in C:
    ``lxml.html``'s own lookup is a Python call each time an element is
    first touched from Python (1.5 million calls in a bench crawl, 4 % of its
    CPU). Only its form classes (``FormElement``, ``InputElement``…) are not
    used: nothing here reads forms."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=html.HtmlElement,
                comment=html.HtmlComment,
                pi=html.HtmlProcessingInstruction,
                entity=html.HtmlEntity,
            )
        )


def parsed(response: TextResponse) -> TextResponse:
    """*response* with its selector (``response.selector``) built from the
    same text as Scrapy builds it, through ``HtmlParser``; one built before
    (by an extension) is kept."""
    if response._cached_selector is None:  # Scrapy's cache of ``response.selector``
        root = create_root_node(response.text, HtmlParser, base_url=get_base_url(response))
        response._cached_selector = Selector(root=root, type="html")
    return response
