"""Project commands (``COMMANDS_MODULE``): ``scrapy loadspill``, and a
``scrapy crawl`` whose exit status says whether the crawl did its job."""
