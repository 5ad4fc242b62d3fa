"""A synthetic, static replica of the old site with N documents.

The markup is the replica's (``tests/replica``): its templates and helpers
render every page (``page.html`` skeleton with the old-site banner, Drupal 7
article nodes with ``field-name-body``, ``node-type-article`` body class,
og:/article: meta, Views listings ``div.view.view-articles … div.views-row``,
the "Iran in Brief" block with "More" links and its ``ul.pager``). What the
replica has 32 of, this has N of (default 5,000):

* N documents that a complete crawl stores, half English (``/en/…``), half
  Persian (root), 10 % of them briefs (``/en/brief/…``, ``/brief/…``, reached
  only through the "More" links of the "Iran in Brief" block);
* 6 sections per language, each a listing of 10 teasers per page with a
  Drupal windowed pager (9 page links, ``ul.pagination li.next`` on half the
  sections, core ``ul.pager li.pager-next`` on the others); tag pages (also
  paginated), two home pages, the contact page;
* on every document page: the "Iran in Brief" block (5 briefs, a window that
  moves from page to page, and its pager to ``?page=1``), a "Most read" block
  (10 links), a topics menu (sections and the first 30 tags), share buttons;
* page sizes drawn between 30 and 80 KB: what the text and blocks do not fill
  is filled the way Drupal 7 fills it, with stylesheet/script links and the
  inline ``Drupal.settings`` JSON.

Files: ``<out>/www/<unicode path>/index.html`` for a page, and
``page-N.html`` next to it for ``?page=N`` of a listing; a static server maps
``?page=N`` to ``page-N.html`` when it exists, else serves ``index.html``
(so ``?page=1`` of an article, the brief block's second page, is the same
page again, as on the site). ``<out>/manifest.json`` describes the site,
``<out>/docs.txt`` lists the paths of the documents. ``bench.run`` calls
``generate()``.
"""

import hashlib
import json
import random
import re
import shutil
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

from persiantools.jdatetime import JalaliDate

from tests.replica import content as C
from tests.replica import site as R

PER_PAGE = 10  # teasers per listing page (Drupal's Views default)
PAGER_QUANTITY = 9  # page links in Drupal 7's pager
BRIEF_SHARE = 0.10
BLOCK_BRIEFS = 5
MOST_READ = 10
MENU_TAGS = 30
HOME_TEASERS = 20
MIN_KB, MAX_KB = 30, 80


def _words(text, sep=None):
    return tuple(text.split(sep))


SECTIONS = {
    "en": tuple(
        (f"/en/{w.lower()}", w) for w in _words("World Iran Politics Economy Society Sport")
    ),
    "fa": tuple((f"/{w}", w) for w in _words("سیاست ایران جهان اقتصاد جامعه ورزش")),
}
BRIEF_PREFIX = {"en": "/en/brief", "fa": "/brief"}
# paths a tag must not take
RESERVED = {"/en", "/", "/en/brief", "/brief", "/en/contact", "/en/user", "/user", "/search"}
RESERVED |= {"/en/search", "/sites", "/en/sites"}
AUTHORS = {
    "en": _words(
        "Kian Rahimi,Nadia Farahani,Daniel Harper,Maryam Sinaiee,Arash Alaei,Sarah Collins", ","
    ),
    "fa": ("سارا احمدی", "مریم رضایی", "علی نوری", "بهروز کریمی", "نسرین طاهری"),
}
JALALI_MONTHS = _words("فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند")
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
MODULES = _words(
    "views ctools panels field_group ds jquery_update date colorbox extlinks google_analytics "
    "metatag pathauto token i18n locale admin_menu entity libraries media file_entity wysiwyg "
    "xmlsitemap"
)


# ------------------------------------------------------------------ text
def _vocabulary(lang):
    words = set()
    for doc in C.ALL_DOCS:
        if doc.lang != lang:
            continue
        for para in (doc.title, *doc.paras):
            for word in R.clean(para).split():
                word = word.strip(".,;:!?«»\"'()“”‘’،؛؟")
                if word and not any(ch.isdigit() for ch in word) and len(word) > 1:
                    words.add(word)
    return sorted(words)


VOCAB = {"en": _vocabulary("en"), "fa": _vocabulary("fa")}


def _noisy_fa(text, rng):
    """Persian as the old site served it: some Arabic yeh/kaf, an odd &nbsp;."""
    if rng.random() < 0.3:
        text = text.replace("ی", "\u064a", 2)
    if rng.random() < 0.2:
        text = text.replace("ک", "\u0643", 1)
    return text


def _sentence(rng, lang):
    words = rng.choices(VOCAB[lang], k=rng.randint(8, 22))
    if rng.random() < 0.3:
        number = str(rng.randint(2, 2500))
        if lang == "fa":
            number = number.translate(ARABIC_DIGITS if rng.random() < 0.2 else PERSIAN_DIGITS)
        words.insert(rng.randrange(len(words)), number)
    if lang == "en":
        words[0] = words[0][:1].upper() + words[0][1:]
        text = " ".join(words) + "."
        if rng.random() < 0.15:
            text = text.replace("'", "&#8217;", 1).replace(" ", "&nbsp;", 1)
        return text
    return _noisy_fa(" ".join(words) + ".", rng)


def _paragraph(rng, lang):
    return " ".join(_sentence(rng, lang) for _ in range(rng.randint(2, 5)))


def _title(rng, lang):
    words = rng.choices(VOCAB[lang], k=rng.randint(6, 11))
    if lang == "en":
        return " ".join(w[:1].upper() + w[1:] for w in words)
    return " ".join(words)


def _slug(title, nid):
    words = re.sub(r"[^\w\s\u200c-]", "", title.lower()).split()[:8]
    return "-".join(words) + f"-{nid}"


def _date_texts(rng, lang, when, kind):
    """(visible date text, article:published_time or None, date class)."""
    if lang == "en":
        if rng.random() < 0.5:
            text = f"{when:%A}, {when:%m/%d/%Y - %H:%M}"
        else:
            text = f"{when:%b} {when.day}, {when.year}"
        meta = (
            f"{when:%Y-%m-%dT%H:%M:00}+04:30" if kind == "article" and rng.random() < 0.7 else None
        )
        return text, meta, "date-display-single"
    j = JalaliDate.to_jalali(when.date())
    style = rng.random()
    if style < 0.4:
        text = f"{j.day} {JALALI_MONTHS[j.month - 1]} {j.year}"
    elif style < 0.7:
        text = f"{j.day} {JALALI_MONTHS[j.month - 1]} {j.year} - {when:%H:%M}"
    else:
        text = f"{j.year}/{j.month:02d}/{j.day:02d}"
    text = text.translate(PERSIAN_DIGITS)
    return text, None, "time-ago-field" if rng.random() < 0.2 else "date-display-single"


# ------------------------------------------------------------------ documents
class Site:
    """The documents, sections and tags of one synthetic site (no HTML yet)."""

    def __init__(self, n, seed=8):
        self.n, self.seed = n, seed
        rng = random.Random(seed)
        self.docs = {"en": [], "fa": []}  # newest first
        self.articles = {"en": [], "fa": []}
        self.briefs = {"en": [], "fa": []}
        self.tags = {}
        self.section_of = {}  # path -> (section path, name)
        nid = 10000
        for lang, count in (("en", (n + 1) // 2), ("fa", n // 2)):
            n_briefs = max(1, round(count * BRIEF_SHARE)) if count > 1 else 0
            n_articles = count - n_briefs
            self.tags[lang] = self._tags(rng, lang, max(8, n_articles // 35))
            start = datetime(2022, 12, 31, 22, 0)
            for i in range(count):
                nid += 1
                kind = (
                    "brief"
                    if i % 10 == 9
                    and len(self.briefs[lang]) < n_briefs
                    or n_articles <= len(self.articles[lang])
                    else "article"
                )
                when = start - timedelta(minutes=37 * i + rng.randint(0, 30))
                title = _title(rng, lang)
                paras = tuple(
                    _paragraph(rng, lang)
                    for _ in range(rng.randint(2, 3) if kind == "brief" else rng.randint(4, 14))
                )
                date_text, date_meta, date_class = _date_texts(rng, lang, when, kind)
                if kind == "brief":
                    path = f"{BRIEF_PREFIX[lang]}/{_slug(title, nid)}"
                    doc = C.Doc(
                        path, lang, kind, nid, title, paras, date_text, None, date_class=date_class
                    )
                    self.briefs[lang].append(doc)
                else:
                    sec_path, sec_name = SECTIONS[lang][rng.randrange(len(SECTIONS[lang]))]
                    path = f"{sec_path}/{_slug(title, nid)}"
                    images = tuple(
                        (
                            f"photo-{nid}-{k}.jpg",
                            _sentence(rng, lang) if rng.random() < 0.6 else None,
                        )
                        for k in range(rng.choice((0, 1, 1, 1, 2)))
                    )
                    tags = tuple(rng.sample(self.tags[lang], rng.randint(2, 4)))
                    authors = tuple(rng.sample(AUTHORS[lang], rng.choice((0, 0, 1, 1, 2))))
                    doc = C.Doc(
                        path,
                        lang,
                        kind,
                        nid,
                        title,
                        paras,
                        date_text,
                        None,
                        date_meta,
                        sec_name,
                        tags,
                        authors,
                        images,
                        date_class=date_class,
                    )
                    self.section_of[path] = (sec_path, sec_name)
                    self.articles[lang].append(doc)
                self.docs[lang].append(doc)

    @staticmethod
    def _tags(rng, lang, count):
        tags, seen = [], set()
        while len(tags) < count:
            words = rng.sample(VOCAB[lang], 2 if lang == "en" or rng.random() < 0.5 else 1)
            tag = " ".join(w[:1].upper() + w[1:] if lang == "en" else w for w in words)
            path = R.tag_path(lang, tag)
            if (
                path in seen
                or path in RESERVED
                or any(path == s for s, _ in SECTIONS[lang])
                or "/" in tag
                or "?" in tag
                or "#" in tag
            ):
                continue
            seen.add(path)
            tags.append(tag)
        return tags


# ------------------------------------------------------------------ blocks
def windowed_pager(path, page, total, kind):
    """Drupal 7's theme_pager: first/previous, 9 page links around the
    current one with ellipses, next/last; Bootstrap or core markup."""
    if total <= 1 or page >= total:
        return ""
    core = kind == "core"
    first = max(0, min(page - PAGER_QUANTITY // 2, total - PAGER_QUANTITY))
    last = min(total, first + PAGER_QUANTITY)

    def li(cls, inner):
        return f'<li class="{cls}">{inner}</li>' if cls else f"<li>{inner}</li>"

    def a(n, label):
        return f'<a title="Go to page {n + 1}" href="{R.page_href(path, n)}">{label}</a>'

    ellipsis = li("pager-ellipsis", "…") if core else li("disabled", "<span>…</span>")
    items = []
    if page > 0:
        items += [
            li("pager-first", a(0, "« first")),
            li("pager-previous" if core else "prev", a(page - 1, "‹ previous")),
        ]
    if first > 0:
        items.append(ellipsis)
    for n in range(first, last):
        if n == page:
            items.append(
                li("pager-current", str(n + 1)) if core else li("active", f"<span>{n + 1}</span>")
            )
        else:
            items.append(li("pager-item" if core else "", a(n, str(n + 1))))
    if last < total:
        items.append(ellipsis)
    if page < total - 1:
        items += [
            li("pager-next" if core else "next", a(page + 1, "next ›")),
            li("pager-last", a(total - 1, "last »")),
        ]
    if core:
        return R.tpl("pager", wrapper="item-list", ul_class="pager", items="".join(items))
    return R.tpl("pager", wrapper="text-center", ul_class="pagination", items="".join(items))


def block(block_id, module, title, content):
    return R.tpl("block", id=block_id, module=module, title=title, content=content)


def brief_block(ctx, lang, briefs):
    more = R.LANG[lang]["more"]
    rows = [
        f'<div class="views-field views-field-body"><div class="field-content">'
        f"<p>{R.raw(d.paras[0])}{R.link(d.path, more)}</p></div></div>"
        for d in briefs
    ]
    content = R.view("iran-in-brief", "block", rows, ctx, R.BRIEF_BLOCK_PAGES, "core", lang)
    return block("views-iran-in-brief-block", "views", R.LANG[lang]["brief_title"], content)


def most_read_block(lang, docs):
    items = "".join(f'<li class="leaf">{R.link(d.path, R.raw(d.title))}</li>' for d in docs)
    title = "Most read" if lang == "en" else "پربازدیدترین‌ها"
    content = f'<div class="item-list"><ul class="most-read">{items}</ul></div>'
    return block("views-most-read-block", "views", title, content)


def topics_block(site, lang):
    links = [(p, name) for p, name in SECTIONS[lang]]
    links += [(R.tag_path(lang, t), t) for t in site.tags[lang][:MENU_TAGS]]
    items = "".join(f'<li class="leaf">{R.link(p, name)}</li>' for p, name in links)
    title = "Topics" if lang == "en" else "موضوع‌ها"
    return block("block-menu-topics", "menu", title, f'<ul class="menu nav">{items}</ul>')


def teaser(site, doc):
    sec = site.section_of.get(doc.path)
    image = ""
    if doc.images:
        img = f'<img src="{R.image_src(doc.images[0][0], "large_teaser")}" alt="">'
        image = R.field("field-image", [R.link(doc.path, img)], "image")
    return R.tpl(
        "teaser",
        href=R.href(doc.path),
        image=image,
        title=R.field("title", [f"<h1>{R.link(doc.path, R.raw(doc.title))}</h1>"], "ds"),
        section=R.field("field-section", [R.link(*sec)], "taxonomy-term-reference") if sec else "",
        summary=R.field("body", [f"<p>{R.raw(doc.paras[0])}</p>"], "text-with-summary"),
        tags=R.tags_field(doc),
        date=doc.date_text,
    )


# ------------------------------------------------------------------ pages
SETTINGS_MARK = "<!--drupal-settings-->"


def assets(origin, rng):
    css = "\n".join(
        f'  <link type="text/css" rel="stylesheet" href="{origin}/sites/default/files/css/'
        f'css_{rng.getrandbits(128):032x}.css" media="all">'
        for _ in range(8)
    )
    js = "\n".join(
        f'  <script src="{origin}/sites/default/files/js/js_{rng.getrandbits(128):032x}.js">'
        f"</script>"
        for _ in range(6)
    )
    return f"{css}\n{js}\n  {SETTINGS_MARK}"


def drupal_settings(rng, size, lang):
    """``jQuery.extend(Drupal.settings, {...})`` of about *size* bytes."""
    entries, total = {}, 0
    while total < size:
        module = rng.choice(MODULES)
        ext = rng.choice(("js", "css"))
        name = f"sites/all/modules/contrib/{module}/{ext}/{module}_{rng.getrandbits(40):010x}.{ext}"
        entries[name] = 1
        total += len(name) + 6
    js = {k: v for k, v in entries.items() if k.endswith(".js")}
    css = {k: v for k, v in entries.items() if k.endswith(".css")}
    data = {
        "basePath": "/",
        "pathPrefix": "en/" if lang == "en" else "",
        "ajaxPageState": {
            "theme": "iranintl",
            "theme_token": f"{rng.getrandbits(160):040x}",
            "js": js,
            "css": css,
        },
        "views": {"ajax_path": "/views/ajax"},
        "urlIsAjaxTrusted": {"/views/ajax": True},
    }
    text = json.dumps(data, separators=(",", ":")).replace("/", "\\/")
    return f"<script>jQuery.extend(Drupal.settings, {text});</script>"


def finish(html, rng, lang):
    """Fill the page up to a size drawn between MIN_KB and MAX_KB."""
    target = rng.randint(MIN_KB * 1024, MAX_KB * 1024)
    missing = target - len(html.encode("utf-8")) + len(SETTINGS_MARK)
    settings = drupal_settings(rng, max(missing - 200, 0), lang)
    return html.replace(SETTINGS_MARK, settings, 1)


def doc_page(site, doc, ctx, index):
    lang = doc.lang
    rng = random.Random(f"{site.seed}:{doc.path}")
    sec = site.section_of.get(doc.path)
    fields = [
        R.field("field-section", [R.link(*sec)], "taxonomy-term-reference") if sec else "",
        R.field("post-date", [R.date_html(doc)], "ds"),
        R.field("field-author", list(doc.authors)) if doc.authors else "",
        R.field("field-image", R.image_items(doc), "image") if doc.images else "",
        R.field("body", ["\n" + R.paragraphs(doc.paras) + "\n"], "text-with-summary"),
        R.tags_field(doc),
        R.share(ctx, lang),
    ]
    main = R.tpl(
        "node",
        title=R.raw(doc.title),
        nid=doc.nid,
        type=doc.kind,
        about=R.href(doc.path),
        fields="\n".join(f for f in fields if f),
    )
    node = (f"page-node-{doc.nid}", f"node-type-{doc.kind}", f"i18n-{lang}")
    classes = R.body_classes("one-sidebar", "sidebar-second", "page-node", *node)
    briefs = site.briefs[lang]
    # the block's window of briefs moves from page to page
    window = [
        briefs[(index * BLOCK_BRIEFS + k) % len(briefs)]
        for k in range(min(BLOCK_BRIEFS, len(briefs)))
    ]
    pool = site.articles[lang]
    read = [pool[rng.randrange(len(pool))] for _ in range(min(MOST_READ, len(pool)))]
    sidebar = "\n".join(
        (brief_block(ctx, lang, window), most_read_block(lang, read), topics_block(site, lang))
    )
    head = R.doc_meta(ctx, doc) + "\n" + assets(ctx.origin, rng)
    html = R.skeleton(ctx, lang, R.clean(doc.title), classes, main, head, sidebar)
    return finish(html, rng, lang)


def listing_page(site, ctx, lang, heading, docs, total, view_name, display, pager_kind, classes):
    rng = random.Random(f"{site.seed}:{ctx.path}?{ctx.page}")
    rows = [teaser(site, d) for d in docs]
    content = f'<div class="view-content">\n{R.views_rows(rows)}\n</div>'
    view = R.tpl(
        "view",
        name=view_name,
        display=display,
        domid=R.itok(ctx.path + view_name),
        content=content,
        pager=windowed_pager(ctx.path, ctx.page, total, pager_kind),
    )
    main = (f'<h1 class="page-header">{heading}</h1>\n' if heading else "") + view
    title = heading or R.LANG[lang]["site"]
    head = R.drupal_head(ctx, title, title) + "\n" + assets(ctx.origin, rng)
    html = R.skeleton(ctx, lang, title, classes, main, head, topics_block(site, lang))
    return finish(html, rng, lang)


def _chunks(docs, size=PER_PAGE):
    return [docs[i : i + size] for i in range(0, len(docs), size)] or [[]]


def pages(site, origin):
    """Yield (path, page, html) for every page of the site."""

    def listing(path, docs, lang, heading, view, pager, classes, chunks=None):
        chunks = chunks or _chunks(docs)
        for page, chunk in enumerate(chunks):
            ctx = R.Ctx(origin, path, page)
            html = listing_page(site, ctx, lang, heading, chunk, len(chunks), *view, pager, classes)
            yield path, page, html

    for lang in ("en", "fa"):
        for index, doc in enumerate(site.docs[lang]):
            yield doc.path, 0, doc_page(site, doc, R.Ctx(origin, doc.path, 0), index)
        home = site.articles[lang][:HOME_TEASERS]
        classes = R.body_classes("page-home", f"i18n-{lang}", front=True)
        view = ("articles", "page_home")
        yield from listing(R.LANG[lang]["home"], home, lang, "", view, "core", classes, [home])
        classes = R.body_classes("page-taxonomy-term", "page-section", f"i18n-{lang}")
        for k, (path, name) in enumerate(SECTIONS[lang]):
            docs = [d for d in site.articles[lang] if site.section_of[d.path][0] == path]
            pager = "pagination" if k % 2 == 0 else "core"
            yield from listing(path, docs, lang, name, ("articles", "page_section"), pager, classes)
        classes = R.body_classes("page-taxonomy-term", f"i18n-{lang}")
        for tag in site.tags[lang]:
            docs = [d for d in site.articles[lang] if tag in d.tags]
            view = ("taxonomy-term", "page")
            yield from listing(R.tag_path(lang, tag), docs, lang, tag, view, "core", classes)
    yield R.CONTACT["path"], 0, R.contact_page(R.Ctx(origin, R.CONTACT["path"], 0))


def file_for(www, path, page):
    directory = www / path.lstrip("/") if path != "/" else www
    return directory / ("index.html" if page == 0 else f"page-{page}.html")


def sources_digest():
    """A digest of what the pages are made of: this module and the replica's
    code and templates (a cached site is regenerated when one changes)."""
    digest = hashlib.sha256()
    for path in sorted([Path(__file__), *R.TEMPLATES.parent.glob("*.py"), *R.TEMPLATES.iterdir()]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def generate(out, n, origin, seed=8, force=False):
    """Write the site for *n* documents served at *origin* into *out* (reused
    when a site of the same sources, size, seed and origin is there)."""
    out = Path(out)
    manifest_file = out / "manifest.json"
    key = {"sources": sources_digest(), "n": n, "seed": seed, "origin": origin}
    if not force and manifest_file.exists():
        manifest = json.loads(manifest_file.read_text())
        if {k: manifest.get(k) for k in key} == key:
            manifest["reused"] = True
            return manifest
    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    www = out / "www"
    www.mkdir(parents=True)
    site = Site(n, seed)
    sizes, requests, listing_pages = [], 1, 0  # robots.txt
    doc_paths = {d.path for lang in ("en", "fa") for d in site.docs[lang]}
    for path, page, html in pages(site, origin):
        target = file_for(www, path, page)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = html.encode("utf-8")
        target.write_bytes(data)
        sizes.append(len(data))
        # a document is requested again as ?page=1 (the brief block's page 2)
        requests += 2 if path in doc_paths else 1
        listing_pages += path not in doc_paths
    shutil.copy(R.TEMPLATES / "robots.txt", www / "robots.txt")
    (out / "docs.txt").write_text("".join(p + "\n" for p in sorted(doc_paths)), encoding="utf-8")
    manifest = {
        **key,
        "documents": len(doc_paths),
        "articles": {lang: len(site.articles[lang]) for lang in ("en", "fa")},
        "briefs": {lang: len(site.briefs[lang]) for lang in ("en", "fa")},
        "tags": {lang: len(site.tags[lang]) for lang in ("en", "fa")},
        "listing_pages": listing_pages,
        "files": len(sizes),
        # what a complete crawl requests: every page, ?page=1 of every
        # document (the brief block's pager) and robots.txt
        "expected_requests": requests,
        "bytes": sum(sizes),
        "page_kb": {
            "min": round(min(sizes) / 1024, 1),
            "median": round(statistics.median(sizes) / 1024, 1),
            "max": round(max(sizes) / 1024, 1),
        },
        "generated_s": round(time.perf_counter() - started, 2),
        "www": str(www),
    }
    manifest_file.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    manifest["reused"] = False
    return manifest
