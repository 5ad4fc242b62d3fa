"""Packaging for Scrapyd: ``scrapyd-deploy`` (and ``scripts/deploy.sh``) build
an egg from this file. It is written by hand so that scrapyd-deploy never
generates its own (which would package ``tests/`` and miss namespace packages).

The egg holds the ``newscrawl`` package only, every subpackage included, with
or without an ``__init__.py``. The replica of the old site (``tests/``) is not
part of it. ``newscrawl`` has no data files today; if one is added, declare
it in ``package_data`` (tests/test_deploy.py checks that every file under
``newscrawl/`` ends up in the egg).

Scrapyd does not install an egg's requirements: they must already be in
Scrapyd's own environment (see the Dockerfile and README "Deploying to
Scrapyd"), so none are declared here.
"""

import re
import sys
from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).resolve().parent
VERSION = re.search(
    r'^__version__ = "([^"]+)"', (HERE / "newscrawl/__init__.py").read_text(encoding="utf-8"), re.M
).group(1)
PACKAGES = find_namespace_packages(
    where=str(HERE), include=["newscrawl", "newscrawl.*"], exclude=["*.__pycache__"]
)

# Python cannot import a package without __init__.py from a zipped egg (the
# egg has no directory entries), so such a package would build fine and then
# fail on the Scrapyd server. Refuse to build instead.
_missing = [p for p in PACKAGES if not (HERE / p.replace(".", "/") / "__init__.py").exists()]
if _missing:
    sys.exit(
        f"setup.py: {', '.join(_missing)} has no __init__.py; Python cannot import it from the "
        f"Scrapyd egg. Add one."
    )

setup(
    name="newscrawl",
    version=VERSION,
    description="Archive the old site of Iran International into MongoDB",
    python_requires=">=3.11",
    packages=PACKAGES,
    entry_points={"scrapy": ["settings = newscrawl.settings"]},
    zip_safe=True,
)
