"""Scrapy requests and responses as WARC/1.1 records (pure functions, warcio).

A response is recorded as it came off the wire: its status line, its headers
and its body before Scrapy decoded ``Content-Encoding``. Scrapy hands the body
de-chunked, so a ``Transfer-Encoding`` header is kept under Common Crawl's
name, ``X-Crawler-Transfer-Encoding``, and readers do not de-chunk it again.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from scrapy.http import Headers
from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, timestamp_to_iso_date

from newscrawl import wayback
from newscrawl.arguments import public_url

WARC_VERSION = "WARC/1.1"
DECHUNKED_HEADER = "X-Crawler-Transfer-Encoding"
# A Wayback capture's replay URL, beside its original URL as WARC-Target-URI,
# and when it was fetched from the archive (WARC-Date is the capture's time).
SOURCE_URI = "WARC-Source-URI"
CREATION_DATE = "WARC-Creation-Date"
# Request meta that changes how the spider parses a page, kept in a
# ``metadata`` record so that a re-extraction parses the page the same way.
PARSE_META = ("via_more", "capture_timestamp", "wayback_url", "render_reason")
META_FIELD = "newscrawl-meta"
RENDERED_TYPE = "conversion"  # the browser's DOM: never what the server sent
# Request headers never written: HttpProxyMiddleware's and HttpAuthMiddleware's
# credentials (Scrapy drops the proxy one only from its own copy), and cookies.
SECRET_HEADERS = ("authorization", "proxy-authorization", "cookie")
URL_HEADERS = ("referer", "origin")  # written without a ``user:pass@``


@dataclass(frozen=True)
class Location:
    """Where a record is: file name (no directory), offset and length of its
    gzip member, and its ``WARC-Record-ID``."""

    file: str
    offset: int
    length: int
    record_id: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
        }


@dataclass(frozen=True)
class Capture:
    """A Wayback Machine replay seen as the capture it is."""

    uri: str  # the original URL
    date: str  # the capture time, ISO 8601
    source_uri: str  # the replay URL fetched


class SentRequest(NamedTuple):
    """What the records need of a Scrapy request, as a plain value that
    crosses to the writer process (``records.sent``)."""

    url: str
    method: str
    headers: Headers
    body: bytes
    meta: dict[str, Any]  # only the keys the records read (``SENT_META``)


class ReceivedResponse(NamedTuple):
    """What the records need of a Scrapy response (``records.received``)."""

    url: str
    status: int
    headers: Headers
    body: bytes
    protocol: str | None
    ip_address: str | None
    flags: list[str]
    encoding: str | None  # of a rendered page's DOM only


# The request meta the records read: the parse meta, the Wayback replay slot
# and whether the browser rendered the page.
SENT_META = (*PARSE_META, "download_slot", "playwright")


def sent(request) -> SentRequest:
    meta = request.meta
    kept = {key: meta[key] for key in SENT_META if meta.get(key)}
    return SentRequest(request.url, request.method, request.headers, request.body or b"", kept)


def received(response, rendered: bool = False) -> ReceivedResponse:
    """*rendered*: the response is the browser's DOM, whose encoding is kept."""
    ip = response.ip_address
    return ReceivedResponse(
        response.url,
        response.status,
        response.headers,
        response.body,
        getattr(response, "protocol", None),
        None if ip is None else str(ip),
        list(response.flags or ()),
        (getattr(response, "encoding", None) if rendered else None),
    )


def builder() -> RecordBuilder:
    return RecordBuilder(warc_version=WARC_VERSION)


def payload_digest(body: bytes) -> str:
    """``sha1:<base32>``, the form warcio, pywb and the CDX servers use."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(when: datetime) -> str:
    return datetime_to_iso_date(when.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def _pairs(headers) -> list[tuple[str, str]]:
    """Scrapy ``Headers`` as (name, value) pairs, every value of each name."""
    pairs = []
    for name, values in headers.items():
        name = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values or [b""]:
            pairs.append(
                (name, value.decode("latin-1") if isinstance(value, bytes) else str(value))
            )
    return pairs


def http_response(response) -> StatusAndHeaders:
    """The status line and headers of a Scrapy response."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    headers = [
        (DECHUNKED_HEADER if name.lower() == "transfer-encoding" else name, value)
        for name, value in _pairs(response.headers)
    ]
    protocol = getattr(response, "protocol", None) or "HTTP/1.1"
    return StatusAndHeaders(f"{response.status} {reason}".strip(), headers, protocol=protocol)


def http_request(request, protocol: str = "HTTP/1.1") -> StatusAndHeaders:
    """The request line and headers of a Scrapy request, as sent: the full
    path with its query, ``Host`` first; no credentials (:data:`SECRET_HEADERS`,
    a ``user:pass@`` of the URL) and no cookies."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [
        (name, public_url(value) if name.lower() in URL_HEADERS else value)
        for name, value in _pairs(request.headers)
        if name.lower() not in SECRET_HEADERS
    ]
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", host(request.url)))
    return StatusAndHeaders(f"{request.method} {target} {protocol}", headers, is_http_request=True)


def host(url: str) -> str:
    """The ``Host`` of *url*: its host and port, never a ``user:pass@``."""
    parts = urlsplit(url)
    name = parts.hostname or ""
    if ":" in name:  # an IPv6 address
        name = f"[{name}]"
    return name + (f":{parts.port}" if parts.port else "")


def capture_of(request, response) -> Capture | None:
    """The capture a Wayback Machine ``id_`` replay shows, or None for any
    other exchange."""
    if request.meta.get("download_slot") != wayback.REPLAY_SLOT:
        return None
    ts = wayback.replayed_timestamp(response.url)
    marker = f"/{ts}id_/"
    if not ts or marker not in response.url:
        return None
    original = response.url.split(marker, 1)[1]
    return Capture(original, timestamp_to_iso_date(ts), response.url)


def parse_meta(meta) -> dict[str, Any]:
    """The request meta a re-extraction needs to parse the page alike."""
    return {key: meta[key] for key in PARSE_META if meta.get(key)}


def exchange(
    request,
    response,
    when: datetime,
    refers: tuple[str, str] | None = None,
    digest: str | None = None,
) -> list[ArcWarcRecord]:
    """The ``request`` and ``response`` records of one exchange (a
    ``revisit`` instead of the response when *refers*, the target URI and date
    of a record with the same payload, is given), then a ``metadata`` record
    when the request carried parse meta.

    The response record comes first: it is the one an item points to."""
    build = builder()
    capture = capture_of(request, response)
    uri = public_url(capture.uri if capture else response.url)
    date = capture.date if capture else warc_date(when)
    http = http_response(response)
    body = response.body
    digest = digest or payload_digest(body)
    common = {"WARC-Date": date}
    if response.ip_address is not None:
        common["WARC-IP-Address"] = str(response.ip_address)
    if "dataloss" in (response.flags or ()):
        common["WARC-Truncated"] = "disconnect"  # the connection closed before the end
    if capture:
        common[SOURCE_URI] = public_url(capture.source_uri)
        common[CREATION_DATE] = warc_date(when)
    if refers is not None:
        main = build.create_revisit_record(
            uri, digest, refers[0], refers[1], http_headers=http, warc_headers_dict=dict(common)
        )
    else:
        main = build.create_warc_record(
            uri,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={**common, "WARC-Payload-Digest": digest},
        )
    main_id = main.rec_headers.get_header("WARC-Record-ID")
    req_body = request.body or b""
    req = build.create_warc_record(
        uri,
        "request",
        payload=BytesIO(req_body),
        length=len(req_body),
        http_headers=http_request(request, http.protocol),
        warc_headers_dict={**common, "WARC-Concurrent-To": main_id},
    )
    records = [main, req]
    fields = {}
    referer = request.headers.get("Referer")
    if referer:
        fields["via"] = public_url(referer.decode("latin-1"))
    meta = parse_meta(request.meta)
    if meta:
        fields[META_FIELD] = json.dumps(meta, ensure_ascii=False, sort_keys=True)
    if fields:
        records.append(metadata(build, uri, date, main_id, fields))
    return records


def metadata(
    build: RecordBuilder, uri: str, date: str, concurrent_to: str, fields: dict[str, str]
) -> ArcWarcRecord:
    block = "".join(f"{name}: {value}\r\n" for name, value in fields.items()).encode("utf-8")
    return build.create_warc_record(
        uri,
        "metadata",
        payload=BytesIO(block),
        length=len(block),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent_to},
    )


def rendered(request, response, when: datetime, refers_to: str | None) -> list[ArcWarcRecord]:
    """The browser's rendered DOM of a page (scrapy-playwright): a
    ``conversion`` record that refers to the plain response record, and the
    ``metadata`` record of why it was rendered."""
    body = response.body
    uri = public_url(response.url)
    date = warc_date(when)
    headers = {"WARC-Date": date, "WARC-Payload-Digest": payload_digest(body)}
    if refers_to:
        headers["WARC-Refers-To"] = refers_to
    encoding = getattr(response, "encoding", None) or "utf-8"
    build = builder()
    main = build.create_warc_record(
        uri,
        RENDERED_TYPE,
        payload=BytesIO(body),
        length=len(body),
        warc_content_type=f"text/html; charset={encoding}",
        warc_headers_dict=headers,
    )
    group = [main]
    meta = parse_meta(request.meta)
    if meta:
        group.append(
            metadata(
                build,
                uri,
                date,
                record_id(main),
                {META_FIELD: json.dumps(meta, ensure_ascii=False, sort_keys=True)},
            )
        )
    return group


def warcinfo(filename: str, info: dict[str, Any]) -> ArcWarcRecord:
    return builder().create_warcinfo_record(filename, info)


def record_id(record: ArcWarcRecord) -> str:
    return record.rec_headers.get_header("WARC-Record-ID")
