"""WARC files of every exchange with the site (ISO 28500, WARC/1.1).

* ``config``: the ``WARC_*`` settings, read once.
* ``records``: Scrapy requests and responses as WARC records (pure functions).
* ``writer``: the files: naming, rotation, ``warcinfo``, gzip, flushing.
* ``recorder``: an exchange's records (revisits, rendered DOMs) written to the files.
  It runs in a worker process of its own (``newscrawl.worker``).
* ``index``: CDXJ indexes beside the files and the payload digests they hold.
* ``reader``: the records back, for re-extraction; torn records reported.
* ``middleware``: the downloader middleware that records (and, with
  ``-a source=warc``, answers from the files) and the spider middleware that
  gives each item its ``warc`` provenance.
* ``wacz``: packaging a crawl's files for ReplayWeb.page.
"""
