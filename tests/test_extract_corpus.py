"""The extraction corpus (tests/extraction/): one hand-made page per shape
that generic extraction gets wrong, each with its expected body, scored the
way the public article-extraction benchmark scores (token precision and
recall) after extract() and the clean pipeline's text rules."""

from pathlib import Path

import pytest

from bench.extract_eval import load, newscrawl_body, precision_recall

CORPUS = Path(__file__).with_name("extraction")
PAGES = {page.id: page for page in load(CORPUS)}

# (precision, recall) each page must reach at least.
MINIMUMS = {
    "teaser-ellipsis": (0.95, 0.95),  # JSON-LD body: a teaser ending in "…"
    "teaser-hellip": (0.95, 0.95),  # ... in "&hellip;"
    "teaser-prefix": (0.95, 0.95),  # ... the first paragraphs, no ellipsis
    "full-jsonld": (0.95, 0.95),  # a whole JSON-LD body: kept
    "table-article": (0.95, 0.95),  # a standings table in the article
    "sparse-links": (0.85, 0.95),  # strict trafilatura finds nothing
    "strict-notice": (0.9, 0.95),  # strict trafilatura keeps a line and a note
    "sparse-notice": (0.95, 0.95),  # a short article beside a cookie notice
    "loose-tweet": (0.95, 0.95),  # an embedded tweet's attribution line
    "drupal8-olivero": (0.95, 0.95),  # Drupal themes never seen
    "drupal7-bartik-divs": (0.95, 0.95),
    "drupal7-zen-fa": (0.95, 0.95),
    "drupal7-ar-review": (0.95, 0.95),
    "plain-comments": (0.9, 0.95),  # no metadata, a comment section
}


def test_every_page_has_a_minimum():
    assert set(PAGES) == set(MINIMUMS)


@pytest.mark.parametrize("page_id", sorted(MINIMUMS))
def test_page_body_scores(page_id):
    page = PAGES[page_id]
    precision, recall = precision_recall(page.expected, newscrawl_body(page))
    least_precision, least_recall = MINIMUMS[page_id]
    assert precision >= least_precision and recall >= least_recall, (precision, recall)
