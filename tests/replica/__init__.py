"""Loopback replica of old.iranintl.com (Drupal 7) used by the crawl tests.

See README.md in this directory. Entry points: ``tests.replica.server.start``
and the manifest ``tests.replica.site.EXPECTED_DOCS``.
"""
