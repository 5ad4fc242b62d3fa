"""Whether a crawl did its job: the basis of ``scrapy crawl``'s exit status."""

FINE = ("finished",)
# The finish reason of a crawl whose site is gone (newscrawl.sitegone).
SITE_UNREACHABLE = "site_unreachable"


def failure(stats):
    """Why a crawl did not do its job (a sentence), or None."""
    reason = stats.get("finish_reason")
    if reason == SITE_UNREACHABLE:
        return (
            "no page could be fetched: the site is unreachable "
            f"({stats.get('sitegone/reason', 'unknown')}); "
            "recover it with `scrapy crawl oldsite -a source=wayback`"
        )
    if not stats.get("response_received_count") and reason != "mongo_unavailable":
        return "no page could be fetched: check base_url and the network"
    if stats.get("mongo/spilled"):
        return (
            f"{stats['mongo/spilled']} items could not be written to MongoDB and were "
            "spilled to a file: load them with `scrapy loadspill`"
        )
    if reason == "render_failed":
        return "pages that need JavaScript could not be rendered: the browser did not start"
    if reason == "shutdown":
        return "the crawl was interrupted (run it again with the same JOBDIR to resume)"
    if reason not in FINE:
        return f"the crawl stopped early ({reason})"
    return None


def explained_already(stats):
    """Whether the log already holds the one line that explains the failure
    (so the summary does not say it twice)."""
    return stats.get("finish_reason") == SITE_UNREACHABLE
