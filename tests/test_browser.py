"""What the browser may load, in-process (no browser): the site's origin and
the hosts of RENDER_ALLOWED_HOSTS, nothing else; Chromium resolves no other
host name. The real Chromium is in tests/test_hostile.py (``-m browser``)."""

from types import SimpleNamespace

from scrapy.utils.test import get_crawler

from newscrawl import settings as project
from newscrawl.browser import SiteGuard, on_site, resolver_rule
from newscrawl.render import abort_request
from newscrawl.urls import origin

SITE = origin("http://127.0.0.1:8000")


def test_only_the_site_origin_and_listed_hosts():
    assert on_site("http://127.0.0.1:8000/misc/drupal.js", SITE, ())
    assert not on_site("http://127.0.0.1:8001/fill.js", SITE, ())  # another port
    assert not on_site("https://127.0.0.1:8000/x", SITE, ())  # another scheme
    assert not on_site("https://www.google-analytics.com/collect", SITE, ())
    assert on_site("https://cdn.example.net/jquery.js", SITE, ("cdn.example.net",))
    assert on_site("data:image/png;base64,AAAA", SITE, ())


def test_chromium_resolves_only_the_site_and_listed_hosts():
    assert resolver_rule("old.iranintl.com", ["cdn.example.net"]) == (
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE old.iranintl.com, EXCLUDE cdn.example.net"
    )


def test_the_guard_counts_what_it_aborts_and_keeps_the_media_rule():
    values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    crawler = get_crawler(settings_dict=values)
    crawler.spider = SimpleNamespace(base_url="http://127.0.0.1:8000")
    guard = SiteGuard(crawler, abort_request, ["cdn.example.net"])

    def request(url, kind="script"):
        return SimpleNamespace(url=url, resource_type=kind)

    assert guard(request("http://127.0.0.1:8000/misc/drupal.js")) is False
    assert guard(request("http://127.0.0.1:8000/logo.png", "image")) is True  # media rule
    assert guard(request("http://127.0.0.1:8001/beacon", "ping")) is True
    assert guard(request("https://cdn.example.net/jquery.js")) is False
    assert crawler.stats.get_value("render/offsite_aborted") == 1
