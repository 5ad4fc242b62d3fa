"""When and how a page goes through the browser (scrapy-playwright).

Modes (setting ``RENDER``, spider argument ``render``):

* ``never``: plain HTTP only; the browser is not even configured.
* ``auto`` (default): plain HTTP first; a page goes to the browser once, and
  only when it needs it: an article or brief whose body came out empty, or a
  page whose "Iran in Brief" or listing block is a JavaScript placeholder.
* ``always``: every page through the browser.
"""

from __future__ import annotations

import os
import shutil

from scrapy.http import Request, Response
from scrapy_playwright.page import PageMethod

from newscrawl.extract import xpaths

MODES = ("never", "auto", "always")
CHROMIUM_CANDIDATES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "/usr/bin/chromium",
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
    "/opt/google/chrome/chrome",
)
# The browser fetches the document and its scripts, never media.
ABORTED_RESOURCES = {"image", "media", "font"}
# Flags for a headless Chromium on a server: no background traffic (updates,
# sync, crash reports, metrics, domain reliability, hyperlink pings, DNS
# prefetch), no GPU. Playwright adds its own (no extensions, no default apps,
# no phishing detection); newscrawl.browser adds --host-resolver-rules.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    "--disable-breakpad",
    "--disable-domain-reliability",
    "--no-pings",
    "--dns-prefetch-disable",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-client-side-phishing-detection",
]

# The request meta a page sent to the browser keeps: how it was reached (a
# brief), the digest of the listing page before it (pagination), its capture.
KEPT_META = ("via_more", "listing_digest", "capture_timestamp")

# What a rendered page waits for before it is handed back: the content, not a sleep.
CONTENT_SELECTOR = (
    "[class*='field-name-body'] p, [class*='field--name-body'] p, article p, .views-row"
)


def find_chromium(configured=None):
    """The Chromium executable: *configured* (``CHROMIUM_PATH``) if given,
    else the first one found in the usual places, else None (Playwright's own
    download, if ``playwright install chromium`` was run)."""
    if configured:
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        path = shutil.which(candidate) if not os.path.isabs(candidate) else candidate
        if path and os.access(path, os.X_OK):
            return path
    return None


def abort_request(request):
    """``PLAYWRIGHT_ABORT_REQUEST``: skip images, fonts and media."""
    return request.resource_type in ABORTED_RESOURCES


def needs_render(response, empty_body: bool) -> str | None:
    """Why a plainly fetched page must go through the browser, or None."""
    if empty_body:
        return "empty_body"
    if xpaths.PLACEHOLDER(response.selector.root):
        return "placeholder"
    return None


def render_step(
    response: Response, mode: str, empty_body: bool, key: str, rendered: set[str], stats
) -> Request | None:
    """The render bookkeeping of one parsed page.

    A page that came from the browser is counted (``render/pages``, and
    ``render/recovered`` when the browser gave what the plain fetch lacked).
    In ``auto`` mode, a plainly fetched page that needs the browser is sent
    there once per *key* (its canonical URL; *rendered* holds the keys sent
    so far): the request to yield is returned, else None."""
    reason = response.meta.get("render_reason")
    if reason:
        stats.inc_value("render/pages")
        if reason != "always" and not needs_render(response, empty_body):
            stats.inc_value("render/recovered")
        return None
    if mode != "auto":
        return None
    reason = needs_render(response, empty_body)
    if not reason or key in rendered:
        return None
    rendered.add(key)
    stats.inc_value(f"render/needed/{reason}")
    kept = {name: response.meta[name] for name in KEPT_META if name in response.meta}
    meta = {"via_more": False, **kept, **render_meta(reason)}
    assert response.request is not None  # a response of the crawl
    return response.request.replace(meta=meta, dont_filter=True)


def is_rerender(response: Response) -> bool:
    """Whether the page is the browser's second look at a page fetched plainly
    (so not a duplicate of it)."""
    return response.meta.get("render_reason") not in (None, "always")


def render_meta(reason):
    """Request meta for a browser fetch that waits for the page's content."""
    return {
        "playwright": True,
        "render_reason": reason,
        "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded"},
        "playwright_page_methods": [
            PageMethod("wait_for_load_state", "networkidle"),
            PageMethod("wait_for_selector", CONTENT_SELECTOR, state="attached", timeout=15000),
        ],
    }


def is_launch_failure(failure):
    """Whether a failed browser fetch means the browser itself cannot start."""
    text = str(failure.value)
    return any(
        marker in text
        for marker in (
            "Executable doesn't exist",
            "Failed to launch",
            "launch:",
            "BrowserType.launch",
            "spawn",
            "ENOENT",
            "Host system is missing dependencies",
        )
    )
