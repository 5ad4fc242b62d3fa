"""The Arabic edition of the replica (``/ar``), as plain Python data.

Same shapes as ``content.py`` (``Doc``, ``Section``, the ``LANG`` chrome,
``HOME_LISTS``, ``PICKS``): raw HTML and the hand-written clean text the
crawl must store, side by side. ``editions.py`` adds it to the English and
Persian content for ``site.py``.

What is seen on the real site (``site-facts.md``): the sections ``إيران`` and
``اقتصاد``, the banner, slugs of the title's words keeping tanwin and shadda,
``<title>`` ending in ``| ایران اینترنشنال``, dates with both month names and
the press review's kicker line above the title. Inferred: the markup (the
English/Persian Drupal theme), the kicker's wrapper
(``field-name-field-kicker``). Not seen, so not built: an "Iran in Brief"
block on Arabic pages (the Arabic chrome has no ``brief_title``, and
``site.brief_block`` leaves it out).

Expected text keeps what the Arabic rules keep (ي ك ى ة, hamza forms,
tashkeel, Arabic-Indic digits) and loses what they remove (tatweel, invisible
characters, furniture paragraphs, a space before ،). A raw paragraph may hold
a second ``<p>`` of furniture (share labels, the banner as text copies keep
it): its expected text is the first paragraph only.
"""

from .content import Doc, Section, utc

RLM = "\u200f"  # right-to-left mark: noise, removed by normalization
ZWSP = "\u200b"  # zero-width space: noise, removed
TATWEEL = "\u0640"  # kashida: removed

BANNER = (
    "تشاهد صفحة من الموقع القديم لـ Iran International لم تعد محدثة. قم بزيارة "
    '<a href="https://www.iranintl.com/ar">iranintl.com</a> لعرض الموقع الجديد.'
)
# The banner as text copies have it (the link lost), inside a body.
BANNER_TEXT = (
    "تشاهد صفحة من الموقع القديم لـ Iran International لم تعد محدثة. قم بزيارة لعرض الموقع الجديد."
)
# The press review's kicker line: this prefix, then the date (``date_text``,
# what extraction keeps as ``published_raw``).
KICKER_PREFIX = "الرصد الصحافي ليوم "


def furniture(paragraph, extra):
    """A paragraph followed, in the raw HTML, by a paragraph of furniture."""
    return (f"{paragraph}</p>\n    <p>{extra}", paragraph)


SECTIONS = (
    Section("/ar/إيران", "ar", "إيران", "pagination"),
    Section("/ar/اقتصاد", "ar", "اقتصاد", "core"),
)

IRAN = "/ar/إيران/"
ECONOMY = "/ar/اقتصاد/"

AR_ARTICLES = (
    # The daily press review: a kicker line above the title and no other date.
    Doc(
        IRAN + "الرصد-الصحافي-صحف-طهران-تتحدث-عن-أزمة-البنزين",
        "ar",
        "article",
        3101,
        "صحف طهران تتحدث عن أزمة البنزين وارتفاع الأسعار",
        (
            "تناولت الصحف الإيرانية الصادرة اليوم أزمة البنزين في عدد من المدن، وارتفاع "
            "أسعار السلع الأساسية.",
            (
                "وكتبت صحيفة «اعتماد» أن الحكومة لم تقدّم حلًا واضحًا حتى الآن&nbsp;، فيما "
                "انتقدت صحيفة «كيهان» ما وصفته بتقصير وزارة النفط.",
                "وكتبت صحيفة «اعتماد» أن الحكومة لم تقدّم حلًا واضحًا حتى الآن، فيما "
                "انتقدت صحيفة «كيهان» ما وصفته بتقصير وزارة النفط.",
            ),
            furniture(
                "وأشارت صحيفة «جهان صنعت» إلى أن طوابير السيارات أمام محطات الوقود عادت "
                "يوم السبت 17 أكتوبر (تشرين الأول) إلى شوارع العاصمة.",
                "شارك هذا المقال: فيسبوك | تويتر | تلغرام",
            ),
        ),
        "الأحد 18 أكتوبر (تشرين الأول) 2020",
        utc(2020, 10, 17, 20, 30),
        None,
        "إيران",
        ("الصحافة", "البنزين"),
        theme="press_review",
    ),
    # ي ك ى ة, hamza forms, tanwin, shadda and damma in the title and body.
    Doc(
        IRAN + "ربيعي-الحكومة-تتخذ-قرارًا-جديدًا-لمواجهة-شُحّ-الكهرباء",
        "ar",
        "article",
        3102,
        (
            f"ربيع{TATWEEL}ي: الحكومة تتخذ قرارًا جديدًا لمواجهة شُحّ الكهرباء",
            "ربيعي: الحكومة تتخذ قرارًا جديدًا لمواجهة شُحّ الكهرباء",
        ),
        (
            (
                f"قال علي ربيعي، المتحدث باسم الحكومة الإيرانية، إن مجلس الوزراء سيتخذ قرارًا "
                f"نهائيًا بشأن تقنين الكهرباء على المصانع خلال أيام{RLM}.",
                "قال علي ربيعي، المتحدث باسم الحكومة الإيرانية، إن مجلس الوزراء سيتخذ قرارًا "
                "نهائيًا بشأن تقنين الكهرباء على المصانع خلال أيام.",
            ),
            (
                "وأضاف أن «الشبكة تعمل بأقصى طاقتها»،مشيرًا إلى أن الاستهلاك ارتفع بنسبة كبيرة "
                "في الص\u0640\u0640يف.",
                "وأضاف أن «الشبكة تعمل بأقصى طاقتها»، مشيرًا إلى أن الاستهلاك ارتفع بنسبة كبيرة "
                "في الصيف.",
            ),
            "وكانت وزارة الطاقة قد أعلنت أن شُحّ المياه في السدود أدّى إلى تراجع إنتاج "
            "الكهرباء، وأن مستوى المياه في سد «أمير كبير» هو الأدنى منذ عقد.",
        ),
        "الأربعاء 15 يوليو (تموز) 2020",
        utc(2020, 7, 14, 19, 30),
        None,
        "إيران",
        ("الكهرباء", "الحكومة"),
        ("سارة الحسيني",),
        (("power-lines.jpg", "خطوط نقل الكهرباء قرب طهران"),),
    ),
    # Arabic-Indic digits, with the Arabic thousands separator and percent sign.
    Doc(
        IRAN + "وفاة-٢٢٩-مريضًا-بكورونا-خلال-٢٤-ساعة",
        "ar",
        "article",
        3103,
        "وفاة ٢٢٩ مريضًا بكورونا خلال ٢٤ ساعة في إيران",
        (
            "أعلنت وزارة الصحة الإيرانية وفاة ٢٢٩ مريضًا بفيروس كورونا خلال يوم واحد.",
            (
                f"وقالت المتحدثة باسم الوزارة إن عدد الإصابات الجديدة بلغ ٢٬٥٠٠{ZWSP} حالة، وإن "
                "نسبة الإشغال في المستشفيات وصلت إلى ٨٥٪.",
                "وقالت المتحدثة باسم الوزارة إن عدد الإصابات الجديدة بلغ ٢٬٥٠٠ حالة، وإن "
                "نسبة الإشغال في المستشفيات وصلت إلى ٨٥٪.",
            ),
            "وارتفع إجمالي الوفيات منذ بداية الجائحة إلى ١٤٬٤٠٥ حالات.",
        ),
        "الاثنين ٢٠ يوليو (تموز) ٢٠٢٠",
        utc(2020, 7, 19, 19, 30),
        None,
        "إيران",
        ("كورونا", "الصحة"),
        images=(("hospital-qom.jpg", None),),
    ),
    # A date without a year (seen on the site): published_at stays null.
    Doc(
        IRAN + "طهران-تستدعي-السفير-الألماني",
        "ar",
        "article",
        3104,
        "طهران تستدعي السفير الألماني",
        (
            "استدعت وزارة الخارجية الإيرانية السفير الألماني في طهران احتجاجًا على تصريحات "
            "مسؤول ألماني.",
            (
                "وقال المتحدث باسم الخارجية إن هذه التصريحات «تدخّل في الشؤون الداخلية» "
                "لإيران.&nbsp;",
                "وقال المتحدث باسم الخارجية إن هذه التصريحات «تدخّل في الشؤون الداخلية» لإيران.",
            ),
        ),
        "الخميس 9 يوليو ( تموز)",
        None,
        None,
        "إيران",
        ("ألمانيا",),
    ),
    Doc(
        ECONOMY + "الريال-الإيراني-يسجل-أدنى-مستوى-له-أمام-الدولار",
        "ar",
        "article",
        3201,
        "الريال الإيراني يسجل أدنى مستوى له أمام الدولار",
        (
            "سجّل الريال الإيراني أدنى مستوى له على الإطلاق أمام الدولار الأميركي في السوق "
            "الحرة بطهران.",
            "ويقول تجار العملة إن الطلب على الدولار ارتفع بعد القيود الجديدة على الاستيراد.",
            furniture(
                "وأعلن البنك المركزي أنه سيضخ المزيد من العملة الصعبة في السوق.", BANNER_TEXT
            ),
        ),
        "السبت 24 يوليو 2021",
        utc(2021, 7, 24, 5, 45),
        "2021-07-24T10:15:00+04:30",
        "اقتصاد",
        ("الريال", "الدولار"),
        ("مصطفى كمال",),
        (("tehran-exchange.jpg", "مكتب صرافة في طهران"),),
    ),
    Doc(
        ECONOMY + "صادرات-النفط-الإيراني-إلى-الصين-ترتفع",
        "ar",
        "article",
        3202,
        "صادرات النفط الإيراني إلى الصين ترتفع",
        (
            "أظهرت بيانات ملاحية ارتفاع صادرات النفط الإيراني إلى الصين رغم العقوبات الأميركية.",
            furniture("وتقول شركات تتبّع الناقلات إن معظم الشحنات تمرّ عبر ماليزيا.", "اقرأ المزيد"),
        ),
        "الثاني من يناير (كانون الثاني)2021",
        utc(2021, 1, 1, 20, 30),
        None,
        "اقتصاد",
        ("النفط", "العقوبات"),
    ),
    Doc(
        ECONOMY + "البنك-المركزي-يرفع-سعر-الفائدة",
        "ar",
        "article",
        3203,
        "البنك المركزي يرفع سعر الفائدة",
        (
            "رفع البنك المركزي الإيراني سعر الفائدة على الودائع في محاولة للحدّ من التضخم.",
            "ويرى خبراء أن هذه الخطوة لن تكفي لوقف تراجع العملة.",
        ),
        "الثلاثاء 21 يوليو (تموز) 2020:",
        utc(2020, 7, 20, 19, 30),
        None,
        "اقتصاد",
        ("التضخم",),
        ("مصطفى كمال",),
    ),
    # Typos in the weekday and in the bracketed month name (as seen on the site).
    Doc(
        ECONOMY + "أسعار-الذهب-تقفز-في-أسواق-طهران",
        "ar",
        "article",
        3204,
        "أسعار الذهب تقفز في أسواق طهران",
        (
            "قفزت أسعار الذهب والمسكوكات في أسواق طهران مع استمرار تراجع الريال.",
            "وقال باعة في سوق طهران الكبير إن الإقبال على شراء الذهب زاد في الأيام الأخيرة.",
        ),
        "الأربعا 22 يوليو (تمور) 2020",
        utc(2020, 7, 21, 19, 30),
        None,
        "اقتصاد",
        ("الذهب", "الريال"),
    ),
)

ALL_DOCS = AR_ARTICLES

HOME_LISTS = {"/ar": tuple(AR_ARTICLES[i].path for i in (0, 1, 4, 5))}

PICKS = {
    "/ar": (
        (AR_ARTICLES[1].path + "?utm_source=telegram", "ربيعي والكهرباء"),
        ("/الكهرباء", "الكهرباء"),
    ),
}

LANG = {
    "ar": {
        "dir": "rtl",
        "home": "/ar",
        "site": "ایران اینترنشنال",
        "banner": BANNER,
        "nav": (
            ("/ar", "الرئيسية"),
            ("/ar/إيران", "إيران"),
            ("/ar/اقتصاد", "اقتصاد"),
            ("/", "فارسی"),
            ("/en", "English"),
        ),
        "footer": (
            ("https://www.iranintl.com/ar", "الموقع الجديد"),
            ("https://twitter.com/IranIntl_Ar", "تويتر"),
        ),
        "share": "شارك هذا المقال:",
        "empty": "لا توجد مقالات.",
        "not_found": "الصفحة غير موجودة",
        "not_found_text": "الصفحة «$path» غير موجودة.",
        "picks": "اختيارات المحرر",
        "skip": "الانتقال إلى المحتوى الرئيسي",
    },
}


def kicker(text):
    return (
        '<div class="field field-name-field-kicker field-type-text field-label-hidden">'
        f'<div class="field-items"><div class="field-item even">{text}</div></div></div>'
    )


def press_review_doc(doc, ctx):
    """The Drupal node page with the kicker line above the title instead of a
    date field (``doc.date_text`` is the kicker's date)."""
    from dataclasses import replace

    from . import site

    html = site.drupal_doc(replace(doc, date_text=""), ctx)
    html = html.replace('<span class="date-display-single"></span>', "", 1)
    title = '<h1 class="page-header">'
    return html.replace(title, kicker(KICKER_PREFIX + doc.date_text) + "\n" + title, 1)


THEMES = {"press_review": press_review_doc}
