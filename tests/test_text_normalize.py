"""Text normalization: normalize_text, normalize_body, furniture, search_text."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.text.chars import ARABIC_LETTER_RE, FOLD, PERSIAN_FOLD, TASHKEEL_RE
from newscrawl.text.furniture import drop_repeated_captions, is_furniture, strip_trailing_more
from newscrawl.text.mojibake import fix_mojibake
from newscrawl.text.normalize import ascii_digits, normalize_body, normalize_text, search_text

ZWNJ = "\u200c"
RLM = "\u200f"
TATWEEL = "\u0640"
AR_BANNER = (
    "تشاهد صفحة من الموقع القديم لـ Iran International لم تعد محدثة. قم بزيارة "
    "iranintl.com لعرض الموقع الجديد."
)


def mojibake(s: str) -> str:
    """What a UTF-8 page read as Windows-1256 looks like."""
    return s.encode("utf-8").decode("cp1256")


# (input, language, expected)
NORMALIZE_CASES = [
    # Entities, before whitespace cleaning.
    ("a&nbsp;b", "en", "a b"),
    ("a&nbsp;&nbsp; b", "en", "a b"),
    ("Tom &amp; Jerry", "en", "Tom & Jerry"),
    ("&quot;quoted&quot; &#8220;curly&#8221;", "en", '"quoted" “curly”'),
    ("&amp;nbsp;x", "en", "x"),  # double-escaped
    ("&#1587;&#1604;&#1575;&#1605;", "fa", "سلام"),
    ("AT&T and R&D", "en", "AT&T and R&D"),
    ("https://x.com/a?b=1&section=2&copy=3", "en", "https://x.com/a?b=1&section=2&copy=3"),
    ("&#x627;&#x6cc;&zwnj;&#1587;", "fa", "ای‌س"),
    # Leftover tags.
    ("first<br>second", "en", "first second"),
    ("first<br/>second<br />third", "en", "first second third"),
    ("a <b>bold</b> word", "en", "a bold word"),
    ('<a href="https://x.com/a?b=1&amp;c=2">link</a> text', "en", "link text"),
    ("<p>para</p><p>two</p>", "en", "para two"),
    ("x <!-- comment --> y", "en", "x y"),
    ("<script>var a = 1;</script>text", "en", "text"),
    ("<style>x</style>y<style>z", "en", "y<style>z"),  # never closed: left as text
    ("a <!-- b", "en", "a <!-- b"),
    ("<SCRIPT type=x>1</script >t<![CDATA[c]]>u<!-- v --><!-- w", "en", "tu<!-- w"),
    ("&lt;b&gt;escaped tag&lt;/b&gt;", "en", "escaped tag"),
    ("a < b and c > d", "en", "a < b and c > d"),
    ("if x<y then", "en", "if x<y then"),
    ("3 <5 and 5> 3", "en", "3 <5 and 5> 3"),
    ("&lt;3 love", "en", "<3 love"),
    # Mojibake (UTF-8 read as Windows-1256).
    ("ط³ظ„ط§ظ…", "fa", "سلام"),
    (mojibake("ایران اینترنشنال"), "fa", "ایران اینترنشنال"),
    (mojibake("می‌خواهم به خانه بروم."), "fa", "می‌خواهم به خانه بروم."),
    (mojibake("گزارش «ایران» ۱۴۰۰"), "fa", "گزارش «ایران» ۱۴۰۰"),
    ("ط³ظ„ط§ظ…&nbsp;ط¯ظ†غŒط§", "fa", "سلام دنیا"),
    # Good Persian starting with ط ظ ع غ is never "repaired".
    ("طلا ظهر ظریف طرح", "fa", "طلا ظهر ظریف طرح"),
    ("عکس: غزه، عراق و ظرفیت طالبان", "fa", "عکس: غزه، عراق و ظرفیت طالبان"),
    # NFC and presentation forms only.
    ("ﻻ", "fa", "لا"),
    ("ﷲ", "fa", "الله"),
    ("ﺳﻼﻡ", "fa", "سلام"),
    ("e\u0301te", "en", "éte"),
    ("x² and … and ½ and ﬁ", "en", "x² and … and ½ and ﬁ"),
    ("ا\u0653", "fa", "آ"),
    # Invisible characters.
    ("سلـــام", "fa", "سلام"),
    ("a\u200bb\u200ec\u200fd\ufeffe\u00adf\u2060g", "en", "abcdefg"),
    ("\u202bمتن\u202c \u2067x\u2069", "fa", "متن x"),
    ("\ufeffTitle", "en", "Title"),
    # ZWNJ.
    ("کتاب\u200c\u200c\u200cها", "fa", "کتاب‌ها"),
    ("کتاب\u200c ها", "fa", "کتاب ها"),
    ("کتاب \u200cها", "fa", "کتاب ها"),
    ("\u200cکتاب\u200c", "fa", "کتاب"),
    ("می‌خواهم", "fa", "می‌خواهم"),
    ("کتاب‌ها", "fa", "کتاب‌ها"),
    # Spaces.
    ("a\u00a0b\u2002c\u2009d\u202fe\u205ff\u3000g", "en", "a b c d e f g"),
    ("  line one\nline two\t\ttab  ", "en", "line one line two tab"),
    ("\r\n", "en", ""),
    # Persian letters and digits.
    ("علي", "fa", "علی"),
    ("مصطفى", "fa", "مصطفی"),
    ("كتاب", "fa", "کتاب"),
    ("أ إ ؤ ئ ء آ ة", "fa", "أ إ ؤ ئ ء آ ة"),
    ("سال ١٣٩٩", "fa", "سال ۱۳۹۹"),
    ("سال 1399 و ۱۴۰۰", "fa", "سال 1399 و ۱۴۰۰"),
    ("علي ١٢٣", "en", "علي ١٢٣"),  # English text: no Persian folding
    # Persian punctuation spacing.
    ("سلام ، دنیا", "fa", "سلام، دنیا"),
    ("سلام،دنیا", "fa", "سلام، دنیا"),
    ("چرا ؟ نمی‌دانم", "fa", "چرا؟ نمی‌دانم"),
    ("اول ؛دوم", "fa", "اول؛ دوم"),
    ("عجب !", "fa", "عجب!"),
    ("« سلام »", "fa", "«سلام»"),
    ("( پرانتز )", "fa", "(پرانتز)"),
    ("سلام،۱۲", "fa", "سلام،۱۲"),
    ("ساعت 10:30 و 3.5 درصد", "fa", "ساعت 10:30 و 3.5 درصد"),
    ("نشانی https://iranintl.com/en/a?b=1 است", "fa", "نشانی https://iranintl.com/en/a?b=1 است"),
    ("2,500 نفر", "fa", "2,500 نفر"),
    # The می / نمی prefix.
    ("می خواهم", "fa", "می‌خواهم"),
    ("نمی دانم", "fa", "نمی‌دانم"),
    ("او می رود و نمی آید", "fa", "او می‌رود و نمی‌آید"),
    ("کمی خسته", "fa", "کمی خسته"),
    ("می از", "fa", "می از"),
    ("می و", "fa", "می و"),
    ("می 2", "fa", "می 2"),
    ("مینا خانم", "fa", "مینا خانم"),
    ("می رَوَد", "fa", "می‌رَوَد"),
    ("کَمی خسته", "fa", "کَمی خسته"),
    ("«می خواهم»", "fa", "«می‌خواهم»"),
    ("می خواهم", "en", "می خواهم"),
    # Diacritics kept.
    ("هٔ", "fa", "هٔ"),
    ("خانهٔ ما", "fa", "خانهٔ ما"),
    ("کِتاب مُحَمَّد", "fa", "کِتاب مُحَمَّد"),
    ("الرَّحْمٰن", "fa", "الرَّحْمٰن"),
    # English and mixed text pass through.
    ("He said “2,500 people” at 10:30.", "en", "He said “2,500 people” at 10:30."),
    ("It’s 3.5% — “quoted” (yes) !", "en", "It’s 3.5% — “quoted” (yes) !"),
    ("https://iranintl.com/en/a?b=1", "en", "https://iranintl.com/en/a?b=1"),
    (
        "Iran International (ایران اینترنشنال) reported",
        "en",
        "Iran International (ایران اینترنشنال) reported",
    ),
    ("گزارش CNN درباره Iran", "fa", "گزارش CNN درباره Iran"),
    ("", "fa", ""),
    # Arabic: letters, hamza forms, tashkeel and digits kept as written.
    ("علي", "ar", "علي"),
    ("مصطفى", "ar", "مصطفى"),
    ("كتاب", "ar", "كتاب"),
    ("مدرسة", "ar", "مدرسة"),
    ("أ إ ؤ ئ ء آ ة ى", "ar", "أ إ ؤ ئ ء آ ة ى"),
    ("عام ٢٠٢٠ و 2021 و ۲۰۲۲", "ar", "عام ٢٠٢٠ و 2021 و ۲۰۲۲"),
    ("٢٬٥٠٠ حالة و٨٥٪ و١٢٫٥", "ar", "٢٬٥٠٠ حالة و٨٥٪ و١٢٫٥"),
    ("قرارًا جديدًا", "ar", "قرارًا جديدًا"),
    ("شُحّ المياه", "ar", "شُحّ المياه"),
    ("مُحَمَّد", "ar", "مُحَمَّد"),
    ("ا\u0654", "ar", "أ"),  # NFC composes hamza above
    ("شح\u0651\u064f", "ar", "شح\u064f\u0651"),  # NFC orders the marks
    ("الرَّحْمٰن", "ar", "الرَّحْمٰن"),
    # Arabic: tatweel and invisible characters removed (also the tatweel of
    # "الـ٢٤", which is a spelling, not decoration: "ال٢٤" reads the same).
    ("الصـــيف", "ar", "الصيف"),
    ("الساعات الـ٢٤", "ar", "الساعات ال٢٤"),
    (f"خلال أيام{RLM}.", "ar", "خلال أيام."),
    ("\u200bمرحبا\u200e \u061cبكم", "ar", "مرحبا بكم"),
    ("ﻻ ﷲ", "ar", "لا الله"),
    (mojibake("مرحبا بالعالم العربي"), "ar", "مرحبا بالعالم العربي"),
    # Arabic punctuation spacing; the Persian verb prefix is not Arabic.
    ("قال ، ثم", "ar", "قال، ثم"),
    ("نعم،لا", "ar", "نعم، لا"),
    ("هل ؟", "ar", "هل؟"),
    ("« نص »", "ar", "«نص»"),
    ("( تموز)", "ar", "(تموز)"),
    ("می خواهم", "ar", "می خواهم"),
    ("Iran International (إيران إنترناشونال)", "en", "Iran International (إيران إنترناشونال)"),
    ("علي ١٢٣", "ar", "علي ١٢٣"),
    # Control and invisible format characters, in every language.
    ("a\x00b\x07c\x1bd\x7fe\x85f\x9fg", "en", "abcde fg"),
    ("&#1;x&#27;y&#127;z&#x1b;", "en", "xyz"),
    ("a\\u0000b\\u0007c", "en", "abc"),
    ("a\U000e0041\U000e0042b", "en", "ab"),
    ("x\u2061y\u2062z\u2063w\u2064v\u180eu", "en", "xyzwvu"),
    ("\ud800abc\udfff", "en", "abc"),
    ("سلام\x00 دنیا\U000e0020", "fa", "سلام دنیا"),
    ("مرحبا\x1b بكم\u2063", "ar", "مرحبا بكم"),
    ("کتاب\u200cها \u200dx", "fa", "کتاب\u200cها x"),
    ("family 👨\u200d👩\u200d👧", "en", "family 👨\u200d👩\u200d👧"),
    ("رقم \u0600١٢", "ar", "رقم \u0600١٢"),  # the Arabic number sign is visible
    # Escaped many times: unescaped in one pass.
    ("&amp;amp;amp;lt;b&amp;amp;amp;gt;x", "en", "x"),
    ("&#38;amp;#38;quot;q&amp;quot;", "en", '"q"'),
]


@pytest.mark.parametrize("text, language, expected", NORMALIZE_CASES)
def test_normalize_text(text, language, expected):
    assert normalize_text(text, language) == expected


@pytest.mark.parametrize("text, language, expected", NORMALIZE_CASES)
def test_normalize_text_cases_are_idempotent(text, language, expected):
    assert normalize_text(expected, language) == expected


GOOD_PERSIAN = (  # noqa: SIM905 (a sentence reads better than 90 quoted words)
    "طلا ظهر ظریف طرح طبق طی طرف طبیعت طولانی ظاهر ظرفیت ظلم عکس عراق عربستان عطر "
    "عمومی عید غرب غزه غیر غلامحسین فقط… خط ربط نفت حفظ لفظ حظ بلاغ چراغ باغ شمع جمع "
    "رضا پژوهش گزارش ژنرال چهارشنبه پنجشنبه سه‌شنبه می‌خواهم کتاب‌ها خانهٔ خبرگزاری "
    "جمهوری اسلامی ایران اینترنشنال «طالبان» ؟ ، ؛ ۱۴۰۰ 2020 طپش عچ غژ طاهری ظفر "
    "عطا طوفان طهران ظالم ظن عباس علی عمر غلام غنی غدیر طاقت طالب ظریفی عظیم غوغا "
    "مطبوعات اطلاعات اعتراض تظاهرات عقب‌نشینی غیرقانونی حفاظت"
).split()


@pytest.mark.parametrize("word", GOOD_PERSIAN)
def test_mojibake_never_fires_on_good_persian(word):
    assert fix_mojibake(word) == word
    assert normalize_text(word, "fa") == word


NEWS_PARAGRAPH = (
    "به گزارش خبرگزاری‌ها، طالبان روز سه‌شنبه اعلام کرد که ظرفیت مذاکره با غرب «طبق "
    "توافق» حفظ می‌شود؛ عراق و عربستان نیز از طرح جدید حمایت کردند. قیمت طلا ۲.۵ درصد "
    "افزایش یافت و ظریف گفت: «ما فقط… منتظریم.» عکس: AFP"
)


def test_mojibake_never_fires_on_a_news_paragraph():
    assert fix_mojibake(NEWS_PARAGRAPH) == NEWS_PARAGRAPH
    assert normalize_text(mojibake(NEWS_PARAGRAPH), "fa") == normalize_text(NEWS_PARAGRAPH, "fa")


def test_mojibake_never_fires_on_good_persian_sentence():
    text = " ".join(GOOD_PERSIAN)
    assert fix_mojibake(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "سلام دنیا",
        "رئیس‌جمهوری آمریکا گفت: «تحریم‌ها ادامه دارد.»",
        "طلا و ظهر و ظریف",
        "خبرگزاری ایرنا، ۲۹ تیر ۱۳۹۹",
    ],
)
def test_mojibake_round_trip(text):
    assert normalize_text(mojibake(text), "fa") == normalize_text(text, "fa")


BODY_CASES = [
    (["First.", "", "Second."], "en", "First.\n\nSecond."),
    (["line one\nline two", "  "], "en", "line one line two"),
    (["Text.", "Share this:", "Facebook Twitter Telegram"], "en", "Text."),
    (
        [
            "You see a page from the old site of Iran International that is no longer updated. "
            "Visit to view the new site.",
            "Article text.",
        ],
        "en",
        "Article text.",
    ),
    (["متن", "اشتراک‌گذاری", "بیشتر"], "fa", "متن"),
    (["<p>a&nbsp;b</p>", "c"], "en", "a b\n\nc"),
    (
        ["نص الخبر.", "شارك هذا المقال:", "فيسبوك | تويتر | تلغرام", "اقرأ المزيد"],
        "ar",
        "نص الخبر.",
    ),
    ([AR_BANNER, "نص الخبر."], "ar", "نص الخبر."),
    ("First.\n\nSecond.", "en", "First.\n\nSecond."),
]


@pytest.mark.parametrize("paragraphs, language, expected", BODY_CASES)
def test_normalize_body(paragraphs, language, expected):
    assert normalize_body(paragraphs, language) == expected


def test_normalize_body_drops_captions():
    paragraphs = ["Protesters in Tehran.", "The article.", "Photo:  AFP"]
    captions = ["Protesters in\u00a0Tehran.", "Photo: AFP"]
    assert normalize_body(paragraphs, "en", captions=captions) == "The article."
    assert drop_repeated_captions(["a", "b"], ["B"]) == ["a"]


EN_BANNER = (
    "You see a page from the old site of Iran International that is no longer "
    "updated. Visit to view the new site."
)
FA_BANNER = (
    "شما صفحه‌ای از سایت قدیمی ایران اینترنشنال را می‌بینید که دیگر به‌روزرسانی "
    "نمی‌شود. برای دیدن سایت جدید به اینجا بروید."
)

FURNITURE_CASES = [
    (EN_BANNER, "en", True),
    (EN_BANNER.replace(" ", "  "), "en", True),
    (EN_BANNER.replace("Visit to", "Visit Iran International to"), "en", True),
    (
        "You see a page from the old site of Iran International\nthat is no longer updated.",
        "en",
        True,
    ),
    ("Visit Iran International to view the new site.", "en", True),
    (FA_BANNER, "fa", True),
    (FA_BANNER.replace(ZWNJ, ""), "fa", True),
    (FA_BANNER.replace(ZWNJ, " ").replace("ی", "ي"), "fa", True),
    ("این صفحه از سایت قديمي ايران اينترنشنال است", "fa", True),
    ("برای دیدن سایت جدید به اینجا بروید.", "fa", True),
    ("Share this:", "en", True),
    ("Share", "en", True),
    ("Facebook Twitter Telegram", "en", True),
    ("Share on Facebook | Share on Twitter", "en", True),
    ("اشتراک‌گذاری", "fa", True),
    ("اشتراک گذاری", "fa", True),
    ("Iran in Brief", "en", True),
    ("ایران در یک نگاه", "fa", True),
    ("More", "en", True),
    ("Read more »", "en", True),
    ("بیشتر", "fa", True),
    ("", "en", True),
    ("   ", "fa", True),
    ("Iran International has learned that the talks failed.", "en", False),
    ("Speaking to Iran International, he said the old site was hacked.", "en", False),
    ("ایران اینترنشنال گزارش داد که مذاکرات شکست خورد.", "fa", False),
    ("He shared the video on Twitter and Telegram after the protest.", "en", False),
    ("More than 300 people were killed.", "en", False),
    ("بیشتر مردم مخالف‌اند.", "fa", False),
    ("Iran in brief comments, the minister said the talks failed.", "en", False),
    # Arabic: the banner (whole, a sentence, the link lost), share labels, "More".
    (AR_BANNER, "ar", True),
    (AR_BANNER.replace("iranintl.com ", ""), "ar", True),
    (AR_BANNER.replace("لـ ", "ل"), "ar", True),
    ("تشاهد صفحة من الموقع القديم لـ Iran International لم تعد محدثة.", "ar", True),
    ("قم بزيارة iranintl.com لعرض الموقع الجديد.", "ar", True),
    ("شارك", "ar", True),
    ("شارك هذا المقال:", "ar", True),
    ("مشاركة: فيسبوك، تويتر، واتساب", "ar", True),
    ("فيسبوك تويتر تلغرام", "ar", True),
    ("المزيد", "ar", True),
    ("اقرأ المزيد »", "ar", True),
    ("اقرأ أيضاً", "ar", True),
    ("قال مصدر لـ«إيران إنترناشونال» إن الموقع القديم للوزارة تعرّض للاختراق.", "ar", False),
    ("نشر الفيديو على فيسبوك وتويتر بعد الاحتجاج.", "ar", False),
    ("المزيد من الضحايا سقطوا في الاحتجاجات.", "ar", False),
    ("شارك آلاف الإيرانيين في الاحتجاجات.", "ar", False),
]


@pytest.mark.parametrize("paragraph, language, expected", FURNITURE_CASES)
def test_is_furniture(paragraph, language, expected):
    assert is_furniture(paragraph, language) is expected


MORE_CASES = [
    ("...from accessing waste.More", "...from accessing waste."),
    ("...from accessing waste. More", "...from accessing waste."),
    ("The ban was lifted More", "The ban was lifted"),
    ("The ban was liftedMore", "The ban was lifted"),
    ("The ban was lifted. Read more", "The ban was lifted."),
    ("The ban was lifted. More ›", "The ban was lifted."),
    ("The ban was lifted. More »", "The ban was lifted."),
    ("The ban was lifted.\nMore", "The ban was lifted."),
    ("متن خبر.بیشتر", "متن خبر."),
    ("متن خبر. بیشتر", "متن خبر."),
    ("متن خبر بیشتر", "متن خبر"),
    ("متن خبر. بیشتر »", "متن خبر."),
    ("More", ""),
    ("sanctions, arrests and more", "sanctions, arrests and more"),
    ("He wants more.", "He wants more."),
    ("born in Baltimore", "born in Baltimore"),
    ("Furthermore", "Furthermore"),
    ("او گفت «می‌خواهیم بیشتر»", "او گفت «می‌خواهیم بیشتر»"),
    ("No trailing link here.", "No trailing link here."),
    ("waste.&nbsp;More", "waste."),
    ('waste. <a href="/en/x">More</a>', "waste."),
    ("متن خبر.\u200fبیشتر", "متن خبر."),
    ("نص الخبر.المزيد", "نص الخبر."),
    ("نص الخبر. المزيد", "نص الخبر."),
    ("نص الخبر المزيد", "نص الخبر"),
    ("نص الخبر. اقرأ المزيد", "نص الخبر."),
    ("نص الخبر. المزيد ›", "نص الخبر."),
    ("نص الخبر. للمزيد", "نص الخبر."),
    ("وتطالب الحكومة بالمزيد", "وتطالب الحكومة بالمزيد"),
    ("قال «نريد المزيد»", "قال «نريد المزيد»"),
]


@pytest.mark.parametrize("text, expected", MORE_CASES)
def test_strip_trailing_more(text, expected):
    assert strip_trailing_more(text) == expected


SEARCH_CASES = [
    (("Hello World", "Body TEXT"), "hello world\nbody text"),
    (("كتاب علي", "مصطفى"), "کتاب علی\nمصطفی"),
    (("أحمد إيران آمريكا", "مؤسسه رئيس مدرسة"), "احمد ایران امریکا\nموسسه رییس مدرسه"),
    (("مُحَمَّد", "خانهٔ ما"), "محمد\nخانه ما"),
    (("سال ۱۴۰۰", "عدد ١٢٣ و 45"), "سال 1400\nعدد 123 و 45"),
    (("می‌خواهم", "کتاب‌ها"), "می خواهم\nکتاب ها"),
    (("a   b", "first\n\nsecond  para"), "a b\nfirst\nsecond para"),
    (("", "body"), "body"),
    # Arabic: tashkeel folded, Arabic-Indic digits and separators to ASCII,
    # one form per letter (the same as for Persian, so names meet).
    (("قرارًا جديدًا", "شُحّ الكهرباء"), "قرارا جدیدا\nشح الکهرباء"),
    (("وفاة ٢٢٩ مريضًا", "٢٬٥٠٠ حالة و٨٥٪ و١٢٫٥"), "وفاه 229 مریضا\n2,500 حاله و85% و12.5"),
    (("علي", "على مصطفى"), "علی\nعلی مصطفی"),
    (("إيران", "مؤسسة أيار"), "ایران\nموسسه ایار"),
]


@pytest.mark.parametrize("args, expected", SEARCH_CASES)
def test_search_text(args, expected):
    assert search_text(*args) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("۱۲۳۴۵۶۷۸۹۰", "1234567890"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("ساعت ۱۴:۳۰ و 2020", "ساعت 14:30 و 2020"),
        ("abc", "abc"),
    ],
)
def test_ascii_digits(text, expected):
    assert ascii_digits(text) == expected


# Property tests.

ALPHABET = st.sampled_from(
    list("abcXYZ019 .,:;!?()'\"/&<>-_#=")
    + list("سلامکتابیيىكةأإؤئءآهٔپچژگطظعغ،؛؟«»")
    + list("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
    + list("\u064b\u064e\u0650\u0651\u0652\u0654\u0670\u0653")
    + list("\u200c\u200d\u200b\u200e\u200f\ufeff\u00ad\u2060\u202b\u202c\u2067\u2069\u0640")
    + list("\u00a0\u2002\u202f\u3000\t\n\r")
    + list("ﻻﷲﺳﻼﻡﹱ§³Œ†„…“”x²")
    + ["&nbsp;", "&amp;", "&lt;", "<br>", "<b>", "</p>", "می ", "نمی ", "ط§", "ظ†"]
)
TEXT = st.lists(ALPHABET, max_size=40).map("".join)


@settings(max_examples=1500, deadline=None)
@given(TEXT, st.sampled_from(["fa", "en", "ar"]))
def test_normalize_text_is_idempotent(text, language):
    once = normalize_text(text, language)
    assert normalize_text(once, language) == once


@settings(max_examples=1500, deadline=None)
@given(
    st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\t\n\r\x0b\x0c")
    )
)
def test_ascii_text_changes_only_in_whitespace(text):
    text = text.replace("&", "").replace("<", "").replace("\\", "")
    assert normalize_text(text, "en") == " ".join(text.split())


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("سلامکتابیطظعغپچژگ\u200c ،.a1")))
def test_mojibake_repair_gives_back_the_original_or_nothing(text):
    bad = mojibake(text)
    assert fix_mojibake(bad) in (text, bad)


# Letters whose mis-decoded second byte is a symbol (ا is ط§, ی is غŒ): two
# of them are enough for the repair to fire. (ت is طھ, غ is ط؛: no symbol.)
SYMBOL_LETTERS = "سلامکبیطظعپچگ"


@settings(max_examples=500, deadline=None)
@given(
    st.text(st.sampled_from(SYMBOL_LETTERS + "تغ ")).filter(
        lambda t: sum(c in SYMBOL_LETTERS for c in t) >= 2
    )
)
def test_mojibake_of_persian_words_is_repaired(text):
    assert fix_mojibake(mojibake(text)) == text


@settings(max_examples=1500, deadline=None)
@given(st.text(), st.sampled_from(["fa", "en", "ar"]))
def test_any_unicode_text(text, language):
    once = normalize_text(text, language)
    assert normalize_text(once, language) == once
    assert "\n" not in once and "\u200b" not in once and once == once.strip()
    assert isinstance(is_furniture(text, language), bool)
    assert isinstance(strip_trailing_more(text), str)
    assert isinstance(search_text(text, once), str)


# One language's rules never damage another's text.

ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ARABIC_ALPHABET = st.sampled_from(
    list("ابتثجحخدذرزسشصضطظعغفقكلمنهويىةءأإآؤئ")
    + list(ARABIC_DIGITS)
    + list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0654")
    + list(" ،؛؟«»().:-")
    + [TATWEEL, "\u200b", RLM, "\u200e", "\u00a0", "\n", "&nbsp;"]
)
ARABIC_TEXT = st.lists(ARABIC_ALPHABET, max_size=40).map("".join)
_NOISE = str.maketrans(dict.fromkeys(map(ord, TATWEEL + "\u200b\u200e" + RLM)))


def letters(text: str) -> list[str]:
    """The Arabic letters, diacritics and digits of ``text``, in order."""
    return [
        c for c in text if ARABIC_LETTER_RE.match(c) or TASHKEEL_RE.match(c) or c in ARABIC_DIGITS
    ]


@settings(max_examples=1500, deadline=None)
@given(ARABIC_TEXT, st.sampled_from(["ar", "en"]))
def test_arabic_letters_survive_the_arabic_and_english_rules(text, language):
    written = unicodedata.normalize("NFC", text.translate(_NOISE))
    assert letters(normalize_text(text, language)) == letters(written)


@settings(max_examples=1500, deadline=None)
@given(ARABIC_TEXT)
def test_persian_rules_change_only_the_letters_they_own(text):
    persian, arabic = normalize_text(text, "fa"), normalize_text(text, "ar")
    assert not any(c in persian for c in "\u064a\u0649\u0643" + ARABIC_DIGITS)
    # The same text but for those letters, and spaces (the Persian punctuation
    # spacing is wider; the می prefix takes a ZWNJ).
    unspaced = str.maketrans(dict.fromkeys(map(ord, " " + ZWNJ)))
    assert persian.translate(unspaced) == arabic.translate(PERSIAN_FOLD).translate(unspaced)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("abc XYZ019.,;:!?()'\"-")))
def test_english_is_the_same_under_every_language(text):
    assert normalize_text(text, "ar") == normalize_text(text, "en") == " ".join(text.split())


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(st.sampled_from([" ", "\t", "\n", "\u00a0", "\u3000", "\r", "a", "ب"])).map("".join)
)
def test_search_text_spaces_are_each_run_as_one_space(text):
    import re

    from newscrawl.text.normalize import _HSPACE_RE

    assert _HSPACE_RE.sub(" ", text) == re.sub(r"[^\S\n]+", " ", text)


FOLD_ALPHABET = st.sampled_from(
    [chr(code) for code in FOLD] + list("ab 1\n\t\u00a0یß") + ["\U0001d7d9", "\u0966", "\u06f1"]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(FOLD_ALPHABET).map("".join))
def test_the_fold_through_its_runs_is_the_fold_of_every_character(text):
    import re

    from newscrawl.text import furniture, normalize
    from newscrawl.text.chars import fold_chars

    assert fold_chars(text) == text.translate(FOLD)
    assert normalize._OTHER_DIGIT_RE.sub("#", text) == re.sub(r"(?![0-9])\d", "#", text)
    assert furniture._SPACE_RE.sub(" ", text) == re.sub(r"\s+", " ", text)


def test_each_language_letter_pattern_is_the_one_its_table_changes():
    from newscrawl.text.chars import changed_by
    from newscrawl.text.normalize import RULES

    for rules in RULES.values():
        if rules.letters:
            assert rules.letters_re.pattern == changed_by(rules.letters).pattern


SEARCH_ALPHABET = st.sampled_from(
    [" ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2028", "\u200c", "A", "ي", "٣", "\u064b", "x"]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(SEARCH_ALPHABET).map("".join), st.lists(SEARCH_ALPHABET).map("".join))
def test_search_text_is_the_fold_of_title_and_body_spaces_collapsed(title, body):
    import re

    from newscrawl.text.chars import PERSIAN_FOLD_RE, translate_runs
    from newscrawl.text.normalize import _NEWLINES_RE, ascii_digits

    text = unicodedata.normalize("NFC", f"{title}\n{body}").casefold().translate(FOLD)
    text = re.sub(r"[^\S\n]+", " ", ascii_digits(text))
    assert search_text(title, body) == _NEWLINES_RE.sub("\n", text).strip()
    assert translate_runs(body, PERSIAN_FOLD, PERSIAN_FOLD_RE) == body.translate(PERSIAN_FOLD)
