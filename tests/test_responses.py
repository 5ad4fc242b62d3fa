"""What is wrong with a page before it is parsed, in-process (no server)."""

import pytest
from lxml import etree, html
from scrapy.http import HtmlResponse

from newscrawl.responses import fix_encoding, invalid_bytes, parsed, problem, truncation

PERSIAN = (
    "<html lang='fa'><head><title>گزارش</title></head><body>"
    "<p>پاراگراف اول این گزارش درباره اقتصاد ایران است.</p>"
    "<p>پاراگراف دوم با تاریخ ۲۹ تیر ۱۳۹۹ ادامه می‌یابد.</p></body></html>"
)
CP1256_TEXT = (
    "<html><body><p>" + "اين صفحه با رمزگذاري ويندوز ذخيره شده است. " * 4 + "</p></body></html>"
)


def page(body, content_type="text/html; charset=utf-8", flags=None, headers=None):
    return HtmlResponse(
        "http://127.0.0.1/x",
        body=body,
        flags=flags,
        headers={"Content-Type": content_type, **(headers or {})},
    )


def with_bad_byte(text, byte=b"\xff"):
    raw = text.encode("utf-8")
    at = raw.index("اقتصاد".encode())
    return raw[:at] + byte + raw[at:]


@pytest.mark.parametrize(
    "content_type", ["text/html; charset=utf-8", "text/html", "text/html; charset=iso-8859-1"]
)
@pytest.mark.parametrize("byte", [b"\xff", b"\xd8", b"\x81"])
def test_one_invalid_byte_keeps_a_utf8_page_utf8(content_type, byte):
    response = fix_encoding(page(with_bad_byte(PERSIAN, byte), content_type))
    assert response.encoding == "utf-8"
    first, second = response.xpath("//p/text()").getall()
    assert first == "پاراگراف اول این گزارش درباره \ufffdاقتصاد ایران است."
    assert second == "پاراگراف دوم با تاریخ ۲۹ تیر ۱۳۹۹ ادامه می‌یابد."
    assert invalid_bytes(response) == 1


@pytest.mark.parametrize(
    "content_type", ["text/html; charset=utf-8", "text/html", "text/html; charset=iso-8859-1"]
)
def test_a_windows_1256_page_is_read_as_windows_1256(content_type):
    response = fix_encoding(page(CP1256_TEXT.encode("cp1256"), content_type))
    assert response.encoding == "cp1256"
    assert response.xpath("//p/text()").get().startswith("اين صفحه با رمزگذاري")


def test_several_scattered_invalid_bytes_stay_in_place():
    raw = PERSIAN.encode()
    raw = raw.replace("اول".encode(), b"\xfe" + "اول".encode()).replace(
        "دوم".encode(), "دوم".encode() + b"\xc0"
    )
    response = fix_encoding(page(raw, "text/html"))
    assert response.encoding == "utf-8"
    assert invalid_bytes(response) == 2
    assert "\ufffdاول" in response.text and "دوم\ufffd" in response.text


def test_a_stated_encoding_other_than_utf8_is_believed():
    response = fix_encoding(page(CP1256_TEXT.encode("cp1256"), "text/html; charset=windows-1256"))
    assert response.encoding == "cp1256"
    latin = page(
        "<html><body><p>café crème</p></body></html>".encode("cp1252"),
        "text/html; charset=iso-8859-1",
    )
    assert fix_encoding(latin).xpath("//p/text()").get() == "café crème"


def test_a_western_label_on_utf8_text_is_corrected():
    response = fix_encoding(page(PERSIAN.encode(), "text/html; charset=iso-8859-1"))
    assert response.encoding == "utf-8"
    assert "اقتصاد" in response.text


def test_problems():
    assert problem(page(b"  \n")) == "empty"
    assert problem(page(b"\x89PNG\r\n\x1a\n\x00\x00")) == "binary"
    assert problem(page(b"<html><body><p>cut")) == "truncated"
    assert problem(page(PERSIAN.encode())) is None


def test_a_page_shorter_than_its_content_length_is_truncated_even_when_complete():
    body = PERSIAN.encode()
    response = page(body, flags=["dataloss"], headers={"Content-Length": str(len(body) + 500)})
    assert problem(response) == "truncated"
    assert truncation(response) == f"{len(body)} of {len(body) + 500} bytes arrived"
    assert truncation(page(b"<html><body><p>cut")) == "no </html>"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"plain",
        "ایران".encode(),
        b"a\xd8\xa7\xef\xbf\xbd\xf0\x9f\x98\x80",
        b"\xff\xd8a\x80\xe2\x80",
    ],
)
def test_utf8_errors_counts_as_a_decoding_with_replacements_would(body):
    from newscrawl.responses import utf8_errors

    text = body.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - body.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    assert utf8_errors(body) == (invalid, non_ascii - invalid)


# ---------------------------------------------------------------- the parsed page
PAGE = (
    "<!DOCTYPE html><html><head><title>T &amp; t</title><!-- c --></head><body class='b'>"
    "<div id='block-x'><form><input name='q'></form><a href='/en/x'>X</a><?pi x?></div>"
    "<p>رأی و <b>نظر</b>\u200c</p></body></html>"
)


def test_parsed_gives_scrapys_tree_of_html_elements():
    """The same tree as Scrapy's own selector, of lxml.html's element classes
    (form classes apart), and the selector Scrapy's ``response.selector`` returns."""
    response = HtmlResponse("http://old.example/x", body=PAGE.encode(), encoding="utf-8")
    scrapys = HtmlResponse("http://old.example/x", body=PAGE.encode(), encoding="utf-8").selector
    ours = parsed(response).selector
    assert response.selector is ours
    assert etree.tostring(ours.root) == etree.tostring(scrapys.root)
    assert ours.root.getroottree().docinfo.URL == scrapys.root.getroottree().docinfo.URL
    assert ours.xpath("//a/@href").getall() == ["/en/x"]
    assert ours.css("p b::text").get() == "نظر"
    pairs = list(zip(ours.root.iter(), scrapys.root.iter(), strict=True))
    assert {type(theirs) for _, theirs in pairs} > {html.HtmlElement, html.HtmlComment}
    for node, theirs in pairs:
        form_class = isinstance(theirs, html.HtmlElement) and type(theirs) is not html.HtmlElement
        assert type(node) is (html.HtmlElement if form_class else type(theirs))


def test_parsed_keeps_a_selector_built_before():
    response = HtmlResponse("http://old.example/x", body=PAGE.encode(), encoding="utf-8")
    before = response.selector
    assert parsed(response).selector is before
