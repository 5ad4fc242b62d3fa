"""Run a Scrapy command under pyinstrument; write where the time went.

    python -m bench.profile_crawl OUT_PREFIX crawl oldsite -a base_url=... -s ...

Writes ``OUT_PREFIX.html`` (pyinstrument's interactive tree) and
``OUT_PREFIX.json``: wall and CPU time, and pyinstrument's own flat lists
(``ConsoleRenderer(flat=True)``): the top functions by self time, and the
project's top functions by total (inclusive) time.
"""

import json
import re
import sys

TOP = 25
LINE = re.compile(r"^\s*([\d.]+)% (.+?)\s*$")


def flat(session, mode, top=TOP, where=""):
    """pyinstrument's flat list (*mode* ``self`` or ``total``) as
    ``[{"pct", "s", "function"}]``: its first *top* entries (in files whose
    path contains *where*)."""
    from pyinstrument.renderers import ConsoleRenderer

    text = ConsoleRenderer(flat=True, flat_time=mode, time="percent_of_total").render(session)
    rows = [LINE.match(line) for line in text.splitlines()]
    return [
        {"pct": float(m[1]), "s": round(float(m[1]) * session.duration / 100, 3), "function": m[2]}
        for m in rows
        if m and where in m[2]
    ][:top]


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    prefix, args = argv[0], argv[1:]
    from pyinstrument import Profiler
    from scrapy.cmdline import execute

    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()
    code = 0
    try:
        execute(["scrapy", *args])
    except SystemExit as exc:
        code = exc.code or 0
    finally:
        session = profiler.stop()
        with open(prefix + ".html", "w", encoding="utf-8") as f:
            f.write(profiler.output_html())
        summary = {
            "duration_s": round(session.duration, 3),
            "cpu_s": round(session.cpu_time, 3),
            "top_self": flat(session, "self"),
            "top_total": flat(session, "total", where="newscrawl/"),
        }
        with open(prefix + ".json", "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=2)
    sys.exit(code)


if __name__ == "__main__":
    main()
