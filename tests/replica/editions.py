"""The replica's three editions in one namespace, for ``site.py``: the English
and Persian content (``content.py``) plus the Arabic edition (``arabic.py``).
Every name of ``content.py`` is here; the collections hold all editions."""

from . import arabic, content
from .content import *  # noqa: F403 (the names site.py and others read)

SECTIONS = content.SECTIONS + arabic.SECTIONS
ALL_DOCS = content.ALL_DOCS + arabic.ALL_DOCS
HOME_LISTS = content.HOME_LISTS | arabic.HOME_LISTS
PICKS = content.PICKS | arabic.PICKS
LANG = content.LANG | arabic.LANG
THEMES = arabic.THEMES  # themes of their own, beside site.py's
