"""What can be wrong with a page before it is parsed, and how to mend it."""

import re

# Control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")
_ARABIC_LETTERS = re.compile("[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")
_HTML_END = re.compile(rb"</html\s*>", re.I)
_UTF8_NAMES = {"utf-8", "utf8"}


def problem(response):
    """Why *response* cannot be parsed as a page (``empty``, ``binary``), or
    None. A page cut off before ``</html>`` is ``truncated``: it is still
    parsed, for what it holds, but said and counted."""
    body = response.body
    if not body.strip():
        return "empty"
    head = body[:4096]
    if b"\x00" in head or len(_CONTROL.findall(head)) > len(head) // 100:
        return "binary"
    if not _HTML_END.search(body[-2048:]):
        return "truncated"
    return None


def fix_encoding(response):
    """*response* decoded right: a Persian page in Windows-1256 served as
    UTF-8 (or with no charset at all) is decoded as Windows-1256."""
    if response.encoding.lower().replace("_", "-") not in _UTF8_NAMES and response.encoding != "cp1252":
        return response
    try:
        response.body.decode("utf-8")
        return response  # valid UTF-8: nothing to mend
    except UnicodeDecodeError:
        pass
    try:
        text = response.body.decode("cp1256")
    except UnicodeDecodeError:
        return response
    if len(_ARABIC_LETTERS.findall(text[:20000])) < 20:
        return response
    return response.replace(encoding="cp1256")
