"""Content of the replica as plain Python data.

Every document carries both the raw HTML that the replica serves and the
clean text the crawl must store, both written by hand (nothing here is
derived from a parser).  A paragraph or title is either a plain string (raw
HTML and expected text are identical) or a ``(raw_html, expected_text)``
pair.  See README.md for what is seen, inferred or invented.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

ZWNJ = "\u200c"  # zero-width non-joiner: part of correct Persian spelling, kept
NBSP = "\u00a0"  # no-break space: inside some real slugs (also trailing), kept in the URL
ZWSP = "\u200b"  # zero-width space: noise, removed by normalization
TATWEEL = "\u0640"  # kashida: noise, removed by normalization
MOJIBAKE_SENTENCE = "روستاییان خواستار رسیدگی فوری به وضعیت آب شدند."


def utc(y, mo, d, h=0, mi=0):
    """A timezone-aware UTC datetime (expected values are written in UTC)."""
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


@dataclass(frozen=True)
class Section:
    path: str
    lang: str
    name: str
    pager: str  # "pagination" (Bootstrap ul.pagination) or "core" (ul.pager)


@dataclass(frozen=True)
class Doc:
    path: str
    lang: str  # "en" | "fa"
    kind: str  # "article" | "brief"
    nid: int
    title: object  # str or (raw_html, expected)
    paras: tuple  # of str or (raw_html, expected)
    date_text: str  # visible date, exactly as on the page
    published_at: object  # datetime (UTC) or None, written by hand
    date_meta: str = None  # article:published_time (absent when None)
    section: str = None
    tags: tuple = ()
    authors: tuple = ()
    images: tuple = ()  # of (file name, caption or None)
    theme: str = "drupal"  # "drupal" | "story" (unknown theme + meta) | "bare" | "video"
    date_class: str = "date-display-single"  # or "time-ago-field"
    node_type: str = None  # the Drupal node type, when it is not the kind
    video_url: str = None  # the player (iframe) of a video node


SECTIONS = (
    Section("/en/world", "en", "World", "pagination"),
    Section("/en/iran", "en", "Iran", "core"),
    Section("/سیاست", "fa", "سیاست", "pagination"),
    Section("/ایران", "fa", "ایران", "core"),
)

# Arabic-yeh spelling of a section name, served as an alias (same HTML,
# canonical link to the Persian-yeh spelling).
SECTION_ALIASES = {"/ايران": "/ایران"}

SEED_PATH = "/en/world/iran-forming-new-proxy-forces-increase-attacks-us-iraq"

# ---------------------------------------------------------------- English
EN_ARTICLES = (
    # The real article (seed file), text verbatim; entities/whitespace added
    # in the raw HTML only.
    Doc(
        SEED_PATH,
        "en",
        "article",
        123,
        "Iran is forming new proxy forces to increase attacks on U.S in Iraq",
        (
            (
                "While the Iraqi Prime Minister Mustafa Al-Kadhimi is getting ready for his first visit\n"
                "      to the United States to meet with President Donald Trump, reports indicate increased"
                "  Iran-backed militia attacks against American forces in Iraq.",
                "While the Iraqi Prime Minister Mustafa Al-Kadhimi is getting ready for his first visit "
                "to the United States to meet with President Donald Trump, reports indicate increased "
                "Iran-backed militia attacks against American forces in Iraq.",
            ),
            "According to France 24, as Tehran and Washington compete over influence in Iraq, the gap "
            "between Iran-backed forces in Iraq and the Prime Minister of this country who has good "
            "relations with the U.S is widening.",
            "The main topic of conversation between Trump and Al-Kadhimi is supposed to be the issue "
            "of 5000 American soldiers currently stationed in Iraq.",
            "Al-Kadhimi, who came to power in May of 2020, is facing some challenges from Iran backed "
            "Hashd Al-Shaabi militia.",
            "Kadhimi removed these forces from their positions on the border where they were "
            "generating huge revenue by organizing smuggling networks and imposing taxes on traders.",
            (
                "Hashd Al-Shaabi, which received a severe blow after one of its leaders, Abu Mahdi "
                "Al-Muhandis, was killed alongside Qasem Soleimani the head of Iran&#8217;s Quds Force, "
                "wants the American forces to leave Iraq.",
                "Hashd Al-Shaabi, which received a severe blow after one of its leaders, Abu Mahdi "
                "Al-Muhandis, was killed alongside Qasem Soleimani the head of Iran\u2019s Quds Force, "
                "wants the American forces to leave Iraq.",
            ),
            "Although the group has denied responsibility for the recent attacks on American forces "
            "in Iraq, the videos and comments made in social media indicate that the group is using "
            "other militia groups as a proxy for the attacks.",
            (
                "In the past two weeks, there have been 13&nbsp;rocket and bombing attacks on American "
                "bases, American embassy, and Iraqi caravans providing logistical support for American "
                "forces. The attacks had very small impacts but served to show the strength of the group.",
                "In the past two weeks, there have been 13 rocket and bombing attacks on American "
                "bases, American embassy, and Iraqi caravans providing logistical support for American "
                "forces. The attacks had very small impacts but served to show the strength of the group.",
            ),
        ),
        "Monday, 07/20/2020 - 10:30",
        utc(2020, 7, 20, 6, 0),
        "2020-07-20T10:30:00+04:30",
        "World",
        ("Iraq", "Militia", "United States"),
        images=(("iraq-militia.jpg", "Members of Iraq's Popular Mobilization Forces. File photo"),),
    ),
    Doc(
        "/en/world/us-imposes-new-sanctions-iranian-shipping-network",
        "en",
        "article",
        128,
        "US imposes new sanctions on Iranian shipping network",
        (
            "The US Treasury on Friday imposed sanctions on a network of companies accused of "
            "shipping Iranian oil to Asia.",
            "Officials said the companies used ship-to-ship transfers to hide the origin of the cargo.",
            (
                "&quot;We will continue to target Iran&#8217;s oil trade,&quot; the Treasury said in a statement.",
                '"We will continue to target Iran\u2019s oil trade," the Treasury said in a statement.',
            ),
        ),
        "July 24, 2020",
        utc(2020, 7, 24, 11, 15),
        "2020-07-24T15:45:00+04:30",
        "World",
        ("Sanctions", "Shipping"),
        ("Daniel Harper",),
        (("tanker-gulf.jpg", "An oil tanker in the Persian Gulf"),),
        theme="story",
    ),
    Doc(
        "/en/world/iraqi-prime-minister-postpones-washington-visit",
        "en",
        "article",
        124,
        "Iraqi Prime Minister postpones Washington visit",
        (
            (
                "Iraq&#8217;s Prime Minister Mustafa Al-Kadhimi has postponed his planned visit to "
                "Washington by several weeks, officials in Baghdad said on Thursday.",
                "Iraq\u2019s Prime Minister Mustafa Al-Kadhimi has postponed his planned visit to "
                "Washington by several weeks, officials in Baghdad said on Thursday.",
            ),
            "The visit was expected to focus on the future of American troops in Iraq and on energy "
            "cooperation between the two countries.",
            (
                "A spokesman said the new date would be announced &quot;in the coming days&quot;.",
                'A spokesman said the new date would be announced "in the coming days".',
            ),
        ),
        "Jul 23, 2020",
        utc(2020, 7, 23, 13, 50),
        "2020-07-23T18:20:00+04:30",
        "World",
        ("Iraq", "United States"),
        ("Kian Rahimi",),
        (
            ("kadhimi-baghdad.jpg", "Mustafa Al-Kadhimi in Baghdad. File photo"),
            ("us-embassy-baghdad.jpg", None),
        ),
    ),
    Doc(
        "/en/world/european-powers-urge-iran-cooperate-iaea",
        "en",
        "article",
        125,
        "European powers urge Iran to cooperate with IAEA",
        (
            (
                "France, Germany &amp; Britain called on Tehran to give inspectors access to two sites.",
                "France, Germany & Britain called on Tehran to give inspectors access to two sites.",
            ),
            "The three countries said they remained committed to the nuclear deal.",
        ),
        "Jul 21, 2020",
        utc(2020, 7, 20, 19, 30),
        None,
        "World",
        ("IAEA", "Europe"),
    ),
    Doc(
        "/en/world/hezbollah-faces-financial-pressure-lebanon-crisis",
        "en",
        "article",
        126,
        "Hezbollah faces financial pressure as Lebanon crisis deepens",
        (
            "Lebanon's economic collapse is putting new pressure on the finances of Hezbollah, "
            "analysts say.",
            (
                "  The group has cut salaries of some of its fighters,\n   according to people "
                "familiar with the matter. ",
                "The group has cut salaries of some of its fighters, according to people familiar "
                "with the matter.",
            ),
        ),
        "Sunday, 07/19/2020 - 09:05",
        utc(2020, 7, 19, 4, 35),
        "2020-07-19T09:05:00+04:30",
        "World",
        ("Lebanon", "Hezbollah"),
        images=(("beirut-street.jpg", "A street in Beirut"),),
    ),
    Doc(
        "/en/world/afghan-migrants-return-iran-border-reopens",
        "en",
        "article",
        127,
        "Afghan migrants return to Iran as border reopens",
        (
            "Thousands of Afghan workers have crossed back into Iran since the Islam Qala border "
            "crossing reopened last week.",
            (
                "Many of them lost their jobs in Iran during the lockdown&nbsp;and returned home in "
                "the spring.",
                "Many of them lost their jobs in Iran during the lockdown and returned home in the "
                "spring.",
            ),
        ),
        "Jul 18, 2020",
        utc(2020, 7, 18, 7, 30),
        "2020-07-18T12:00:00+04:30",
        "World",
        ("Afghanistan", "Migration"),
        ("Nadia Farahani",),
        (("islam-qala.jpg", "The Islam Qala border crossing"),),
    ),
    Doc(
        "/en/iran/tehran-water-shortage-power-cuts-summer-heat",
        "en",
        "article",
        130,
        (
            "Tehran faces water shortage &amp; power cuts in summer heat",
            "Tehran faces water shortage & power cuts in summer heat",
        ),
        (
            "Residents of several districts in Tehran have reported water cuts lasting up to ten "
            "hours a day.",
            (
                "Officials blamed high consumption during the heat wave&nbsp;&amp; low reservoir levels.",
                "Officials blamed high consumption during the heat wave & low reservoir levels.",
            ),
            "The power company also announced scheduled blackouts for industrial users.",
        ),
        "Wednesday, 07/22/2020 - 08:40",
        utc(2020, 7, 22, 4, 10),
        "2020-07-22T08:40:00+04:30",
        "Iran",
        ("Tehran", "Water"),
        ("Kian Rahimi",),
        (("tehran-heat.jpg", "Tehran on a hot summer day"),),
    ),
    # Unknown theme without any og:/JSON-LD metadata: generic extraction only.
    Doc(
        "/en/iran/rial-falls-to-new-low-against-dollar",
        "en",
        "article",
        129,
        "Rial falls to new low against the dollar",
        (
            "Iran's currency fell to a new record low on Tuesday, trading at about 250,000 rials "
            "to the US dollar in Tehran's open market.",
            "Traders said demand for foreign currency had risen sharply after new restrictions on "
            "imports.",
            "The central bank said it would inject more hard currency into the market.",
        ),
        "Tuesday, 07/21/2020 - 11:10",
        utc(2020, 7, 21, 6, 40),
        None,
        theme="bare",
    ),
    Doc(
        "/en/iran/iranian-teachers-protest-unpaid-wages",
        "en",
        "article",
        131,
        "Iranian teachers protest unpaid wages",
        (
            "Contract teachers gathered outside the Education Ministry in Tehran on Monday to "
            "demand months of unpaid wages.",
            (
                "Protesters carried banners reading &quot;We want our rights&quot;.",
                'Protesters carried banners reading "We want our rights".',
            ),
        ),
        "Jul 20, 2020",
        utc(2020, 7, 20, 11, 30),
        "2020-07-20T16:00:00+04:30",
        "Iran",
        ("Teachers", "Protests"),
        ("Kian Rahimi", "Nadia Farahani"),
    ),
    Doc(
        "/en/iran/covid-19-cases-rise-again-khuzestan",
        "en",
        "article",
        132,
        "Covid-19 cases rise again in Khuzestan",
        (
            "Hospitals in Khuzestan province are again filling up with Covid-19 patients, local "
            "officials said.",
            (
                "The governor&#8217;s office ordered offices to close for one week.",
                "The governor\u2019s office ordered offices to close for one week.",
            ),
        ),
        "Saturday, 07/18/2020 - 19:15",
        utc(2020, 7, 18, 14, 45),
        None,
        "Iran",
        ("Coronavirus", "Khuzestan"),
        images=(("ahvaz-hospital.jpg", "A hospital in Ahvaz"),),
    ),
    Doc(
        "/en/iran/parliament-summons-foreign-minister",
        "en",
        "article",
        133,
        "Parliament summons foreign minister over Russia deal",
        (
            "Lawmakers have asked the foreign minister to appear before parliament to answer "
            "questions about a planned long-term agreement with Russia.",
            "Several members said the details of the agreement had not been shared with parliament.",
        ),
        "Jul 17, 2020",
        utc(2020, 7, 17, 9, 0),
        "2020-07-17T13:30:00+04:30",
        "Iran",
        ("Parliament", "Russia"),
        images=(
            ("majlis.jpg", "Iran's parliament in session"),
            ("foreign-ministry.jpg", "The foreign ministry building in Tehran"),
        ),
    ),
    Doc(
        "/en/iran/iran-cuts-internet-behbahan-protests",
        "en",
        "article",
        134,
        "Iran cuts internet in Behbahan after protests",
        (
            "Mobile internet was cut in the southwestern city of Behbahan on Thursday after "
            "protests over economic conditions, residents said.",
            (
                "Videos shared on social media showed security forces&nbsp;in the city centre.",
                "Videos shared on social media showed security forces in the city centre.",
            ),
        ),
        "Thursday, 07/16/2020 - 21:10",
        utc(2020, 7, 16, 16, 40),
        "2020-07-16T21:10:00+04:30",
        "Iran",
        ("Internet", "Protests"),
        ("Nadia Farahani",),
        (("behbahan.jpg", None),),
    ),
)

# The five "Iran in Brief" items of the seed page; first paragraph verbatim.
EN_BRIEFS = (
    Doc(
        "/en/brief/tehran-to-lock-waste-containers",
        "en",
        "brief",
        140,
        "Tehran to lock waste containers",
        (
            "City officials in Iran's capital Tehran are planning to put locks on large waste "
            "containers in the streets to prevent garbage pickers from accessing waste.",
            "The municipality says the plan is meant to improve hygiene in the city.",
        ),
        "Aug 15, 2021",
        utc(2021, 8, 14, 19, 30),
    ),
    Doc(
        "/en/brief/us-says-sanctions-cut-iran-trade",
        "en",
        "brief",
        141,
        "US says sanctions cut Iran's trade",
        (
            "The Biden Administration has confirmed to the US Congress that sanction imposed by "
            "its predecessor on Iran have drastically reduced Iran's trade with the world.",
            "The report was sent to lawmakers in response to a request for information.",
        ),
        "Monday, 06/07/2021 - 11:20",
        utc(2021, 6, 7, 6, 50),
    ),
    Doc(
        "/en/brief/uk-will-not-rest-until-dual-nationals-return",
        "en",
        "brief",
        142,
        (
            "UK will &quot;not rest&quot; until dual nationals return",
            'UK will "not rest" until dual nationals return',
        ),
        (
            (
                "The UK government said on Sept 20 that Britain would &quot;not rest&quot; until all "
                "its dual nationals being held in Iran were returned home.",
                'The UK government said on Sept 20 that Britain would "not rest" until all its dual '
                "nationals being held in Iran were returned home.",
            ),
            "The statement came ahead of a meeting between the two countries' foreign ministers.",
        ),
        "Sep 20, 2021",
        utc(2021, 9, 19, 19, 30),
    ),
    Doc(
        "/en/brief/raisi-deputy-opposes-child-marriage-age-limit",
        "en",
        "brief",
        143,
        "Raisi's deputy opposes child marriage age limit",
        (
            (
                "President Ebrahim Raisi&#8217;s vice president in women&#8217;s affairs has refused "
                "to support an age limit in child marriage, a controversial issue in Iran.",
                "President Ebrahim Raisi\u2019s vice president in women\u2019s affairs has refused to "
                "support an age limit in child marriage, a controversial issue in Iran.",
            ),
            "Activists have long campaigned for raising the legal age of marriage for girls.",
        ),
        "Nov 16, 2021",
        utc(2021, 11, 15, 20, 30),
    ),
    Doc(
        "/en/brief/rapper-toomaj-arrested-by-intelligence-ministry",
        "en",
        "brief",
        144,
        "Rapper Toomaj arrested by intelligence ministry",
        (
            "In first news about detained Iranian dissident rap singer Toomaj, Iran International "
            "has learned that was arrested by the intelligence ministry.",
            "His family has not been allowed to visit him.",
        ),
        "Sunday, 10/30/2022 - 14:00",
        utc(2022, 10, 30, 10, 30),
    ),
)

# ---------------------------------------------------------------- Persian
# Raw strings use explicit escapes for the characters normalization must
# handle: \u064a Arabic yeh, \u0649 alef maksura, \u0643 Arabic kaf,
# \u0660-\u0669 Arabic-Indic digits, ZWSP, TATWEEL.  Expected strings use
# Persian yeh/kaf, Persian digits and keep ZWNJ.
FA_ARTICLES = (
    Doc(
        f"/سیاست/اسفندیار-رحیم{ZWNJ}مشایی-بازداشت-شد",
        "fa",
        "article",
        2101,
        f"اسفندیار رحیم{ZWNJ}مشایی بازداشت شد",
        (
            f"اسفندیار رحیم{ZWNJ}مشایی، رئیس دفتر محمود احمدی{ZWNJ}نژاد، در تهران بازداشت شد.",
            f"به گزارش رسانه{ZWNJ}های داخلی، جزئیات اتهامات او هنوز اعلام نشده است.",
            (
                "وک\u064aل او گفته است که هنوز از اتهامات موکلش اطلاعی ندارد.",
                "وکیل او گفته است که هنوز از اتهامات موکلش اطلاعی ندارد.",
            ),
        ),
        "۲۴ اسفند ۱۳۹۶",
        utc(2018, 3, 14, 20, 30),
        None,
        "سیاست",
        (f"محمود احمدی{ZWNJ}نژاد", "بازداشت"),
        images=(("mashaei.jpg", f"اسفندیار رحیم{ZWNJ}مشایی. عکس از آرشیو"),),
        date_class="time-ago-field",
    ),
    Doc(
        "/سیاست/واکنش-«مجلس»-به-لایحه-بودجه",
        "fa",
        "article",
        2102,
        "واکنش «مجلس» به لایحه بودجه",
        (
            f"نمایندگان مجلس روز سه{ZWNJ}شنبه درباره لایحه اصلاح بودجه بحث کردند.",
            (
                f"یکی از نمایندگان گفت:&nbsp;«دولت می{ZWNJ}خواهد کسری بودجه را با فروش اوراق جبران کند.»",
                f"یکی از نمایندگان گفت: «دولت می{ZWNJ}خواهد کسری بودجه را با فروش اوراق جبران کند.»",
            ),
        ),
        f"سه{ZWNJ}شنبه ۳۱ تیر ۱۳۹۹ - ۱۴:۳۰",
        utc(2020, 7, 21, 10, 0),
        None,
        "سیاست",
        ("مجلس", "بودجه"),
        ("سارا احمدی",),
    ),
    Doc(
        "/سیاست/دولت،-مجلس-و-طرح-تازه-مالیات",
        "fa",
        "article",
        2103,
        "دولت، مجلس و طرح تازه مالیات",
        (
            (
                f"این طرح مالیات بر خانه{ZWNJ}های خالی را از سال \u0661\u0664\u0660\u0660 اجرا می{ZWNJ}کند.",
                f"این طرح مالیات بر خانه{ZWNJ}های خالی را از سال ۱۴۰۰ اجرا می{ZWNJ}کند.",
            ),
            f"کارشناسان می{ZWNJ}گویند اجرای این طرح به سامانه{ZWNJ}های دقیق اطلاعاتی نیاز دارد.",
        ),
        "۲۹ تیر ۱۳۹۹",
        utc(2020, 7, 18, 19, 30),
        None,
        "سیاست",
        ("مالیات", "مجلس"),
    ),
    Doc(
        "/سیاست/نمایندگان-خواستار-استیضاح-وزیر-صنعت-شدند",
        "fa",
        "article",
        2104,
        "نمایندگان خواستار استیضاح وزیر صنعت شدند",
        (
            "گروهی از نمایندگان مجلس طرح استیضاح وزیر صنعت، معدن و تجارت را امضا کردند.",
            (
                f"آنها وزیر را مسئول گرانی خودرو و کمبود ک{TATWEEL}الاهای اساسی می{ZWNJ}دانند.",
                f"آنها وزیر را مسئول گرانی خودرو و کمبود کالاهای اساسی می{ZWNJ}دانند.",
            ),
        ),
        "۱۳۹۹/۰۴/۲۵",
        utc(2020, 7, 14, 19, 30),
        None,
        "سیاست",
        ("مجلس", "خودرو"),
    ),
    Doc(
        "/سیاست/سفر-۳-روزه-وزیر-خارجه-به-مسکو",
        "fa",
        "article",
        2105,
        "سفر ۳ روزه وزیر خارجه به مسکو",
        (
            "وزیر امور خارجه برای یک سفر سه روزه وارد مسکو شد.",
            (
                f"در این سفر درباره هم\u0643اری{ZWNJ}های اقتصادی دو کشور گفت{ZWNJ}وگو خواهد شد.",
                f"در این سفر درباره همکاری{ZWNJ}های اقتصادی دو کشور گفت{ZWNJ}وگو خواهد شد.",
            ),
        ),
        "\u0662\u0668 ت\u064aر \u0661\u0663\u0669\u0669",
        utc(2020, 7, 17, 19, 30),
        None,
        "سیاست",
        ("روسیه", "تحریم"),
    ),
    Doc(
        f"/سیاست/انتخابات-شوراها-به-تعویق-نمی{ZWNJ}افتد",
        "fa",
        "article",
        2106,
        f"انتخابات شوراها به تعویق نمی{ZWNJ}افتد",
        (
            f"سخنگوی ستاد انتخابات کشور گفت انتخابات شوراها در موعد مقرر برگزار می{ZWNJ}شود.",
            f"به گفته او، ثبت{ZWNJ}نام داوطلبان از هفته آینده آغاز خواهد شد.",
        ),
        "۲ ساعت ۴۴ دقیقه پیش",
        None,
        None,
        "سیاست",
        ("انتخابات",),
        date_class="time-ago-field",
    ),
    Doc(
        "/ایران/قیمت-دلار-به-۲۵-هزار-تومان-رسید",
        "fa",
        "article",
        2201,
        "قیمت دلار به ۲۵ هزار تومان رسید",
        (
            (
                f"قیمت هر دلار آمریکا در بازار آزاد تهران{ZWSP} به ۲۵ هزار تومان رسید.",
                "قیمت هر دلار آمریکا در بازار آزاد تهران به ۲۵ هزار تومان رسید.",
            ),
            (
                f"صرافی{ZWNJ}ها م\u064a{ZWNJ}گو\u064aند تقاضا برای خرید ارز افزایش یافته است.",
                f"صرافی{ZWNJ}ها می{ZWNJ}گویند تقاضا برای خرید ارز افزایش یافته است.",
            ),
        ),
        "۳۰ تیر ۱۳۹۹",
        utc(2020, 7, 19, 19, 30),
        None,
        "ایران",
        ("دلار", "تحریم"),
        images=(("sarrafi.jpg", f"صرافی{ZWNJ}ای در تهران"),),
    ),
    Doc(
        f"/ایران/کرونا،-رکورد-تازه-مرگ{ZWNJ}ومیر-در-تهران",
        "fa",
        "article",
        2202,
        f"کرونا، رکورد تازه مرگ{ZWNJ}ومیر در تهران",
        (
            (
                "وزارت بهداشت از مرگ \u0662\u0662\u0669 بیمار&nbsp;کرونایی در ۲۴ ساعت گذشته خبر داد.",
                "وزارت بهداشت از مرگ ۲۲۹ بیمار کرونایی در ۲۴ ساعت گذشته خبر داد.",
            ),
            f"مسئولان می{ZWNJ}خواهند محدودیت{ZWNJ}های تازه{ZWNJ}ای در تهران اعمال کنند.",
        ),
        "دوشنبه ۳۰ تیر ۱۳۹۹ - ۰۹:۱۵",
        utc(2020, 7, 20, 4, 45),
        None,
        "ایران",
        ("کرونا",),
        images=(("corona-tehran.jpg", "بیمارستانی در تهران"), ("masks.jpg", None)),
    ),
    Doc(
        f"/ایران/کتاب{ZWNJ}فروشی{ZWNJ}های-خیابان-انقلاب-تعطیل-شدند",
        "fa",
        "article",
        2203,
        f"کتاب{ZWNJ}فروشی{ZWNJ}های خیابان انقلاب تعطیل شدند",
        (
            f"شماری از کتاب{ZWNJ}فروشی{ZWNJ}های خیابان انقلاب تهران به دلیل کاهش فروش تعطیل شدند.",
            (
                f"ناشران می{ZWNJ}گویند قیمت کاغذ و\n      چاپ کتاب{ZWNJ}ها در یک سال گذشته دو برابر شده است.",
                f"ناشران می{ZWNJ}گویند قیمت کاغذ و چاپ کتاب{ZWNJ}ها در یک سال گذشته دو برابر شده است.",
            ),
        ),
        "۱۳۹۹/۰۴/۲۷",
        utc(2020, 7, 16, 19, 30),
        None,
        "ایران",
        ("کتاب",),
        ("مریم رضایی",),
    ),
    Doc(
        f"/ایران/کم{ZWNJ}آبی-در-خوزستان",
        "fa",
        "article",
        2204,
        f"کم{ZWNJ}آبی در خوزستان",
        (
            f"ساکنان چند روستا در خوزستان از قطع مکرر آب آشامیدنی خبر می{ZWNJ}دهند.",
            (
                f"مسئولان محل\u0649 وعده داده{ZWNJ}اند تانکر آب ارسال کنند.",
                f"مسئولان محلی وعده داده{ZWNJ}اند تانکر آب ارسال کنند.",
            ),
            # Arabic presentation forms (lam-alef ligature, the Allah ligature).
            (
                f"استاندار گفت: «\ufefbیروبی کانال{ZWNJ}ها انشاء\ufdf2 تا پایان ماه تمام می{ZWNJ}شود.»",
                f"استاندار گفت: «لایروبی کانال{ZWNJ}ها انشاءالله تا پایان ماه تمام می{ZWNJ}شود.»",
            ),
            # Mojibake: UTF-8 bytes once read as Windows-1256 by an old import.
            (MOJIBAKE_SENTENCE.encode("utf-8").decode("cp1256"), MOJIBAKE_SENTENCE),
        ),
        "۲۶ تیر ۱۳۹۹",
        utc(2020, 7, 15, 19, 30),
        None,
        "ایران",
        ("آب", "خوزستان"),
    ),
    Doc(
        f"/ایران/اعتراض-کارگران-هفت{ZWNJ}تپه",
        "fa",
        "article",
        2205,
        f"اعتراض کارگران هفت{ZWNJ}تپه",
        (
            f"کارگران مجتمع نیشکر هفت{ZWNJ}تپه برای چندمین روز در اعتراض به پرداخت نشدن دستمزدها تجمع کردند.",
            f"آنها می{ZWNJ}گویند سه ماه است حقوق نگرفته{ZWNJ}اند.",
        ),
        "چهارشنبه ۲۵ تیر ۱۳۹۹ - ۱۸:۰۵",
        utc(2020, 7, 15, 13, 35),
        None,
        "ایران",
        ("کارگران",),
        images=(("haft-tappeh.jpg", None),),
    ),
    Doc(
        "/ایران/افزایش-قیمت-بلیت-مترو-تهران",
        "fa",
        "article",
        2206,
        ("افزا\u064aش ق\u064aمت بل\u064aت مترو تهران", "افزایش قیمت بلیت مترو تهران"),
        (
            "شورای شهر تهران با افزایش ۲۵ درصدی قیمت بلیت مترو موافقت کرد.",
            f"نرخ{ZWNJ}های تازه از ابتدای مرداد اجرا می{ZWNJ}شود.",
        ),
        "۲۴ تیر ۱۳۹۹",
        utc(2020, 7, 13, 19, 30),
        None,
        "ایران",
        ("تهران", "مترو"),
    ),
)

FA_BRIEFS = (
    Doc(
        "/brief/بازگشایی-مدارس-از-شهریور",
        "fa",
        "brief",
        2301,
        "بازگشایی مدارس از شهریور",
        (
            f"وزیر آموزش و پرورش گفت مدارس از ۱۵ شهریور بازگشایی می{ZWNJ}شوند.",
            f"او افزود که حضور دانش{ZWNJ}آموزان در کلاس{ZWNJ}ها اختیاری خواهد بود.",
        ),
        "۳۱ تیر ۱۳۹۹",
        utc(2020, 7, 20, 19, 30),
    ),
    Doc(
        "/brief/توقیف-یک-نفتکش-در-خلیج-فارس",
        "fa",
        "brief",
        2302,
        "توقیف یک نفتکش در خلیج فارس",
        (
            "سپاه پاسداران از توقیف یک نفتکش خارجی در خلیج فارس خبر داد.",
            f"به گفته سپاه، این کشتی سوخت قاچاق حمل می{ZWNJ}کرد.",
        ),
        "۳۰ تیر ۱۳۹۹",
        utc(2020, 7, 19, 19, 30),
    ),
    Doc(
        "/brief/قطعی-برق-در-تهران",
        "fa",
        "brief",
        2303,
        "قطعی برق در تهران",
        (
            f"چند منطقه تهران روز دوشنبه ساعت{ZWNJ}ها بدون برق ماند.",
            "شرکت توزیع برق علت را افزایش مصرف اعلام کرد.",
        ),
        # Impossible date (Esfand 1399 has 30 days): stored as null, counted.
        "۳۱ اسفند ۱۳۹۹",
        None,
    ),
)


# ---------------------------------------------------------------- real page shapes
# In-body "Read more" / «بیشتر بخوانید» links to ordinary articles (issue 19):
# the targets are articles, linked from nowhere else. A link paragraph is page
# furniture: its expected text is "" (not in the body).
READ_MORE_TARGET_EN = "/en/iran-economy/tehran-stock-exchange-hits-new-high"
READ_MORE_TARGET_FA = "/اقتصاد/بورس-تهران-رکورد-تازه-زد"
DOUBLE_ENCODED_PATH = "/اقتصاد/قیمت-طلا-در-بازار-تهران-افزایش-یافت"
NBSP_PATH = f"/اقتصاد/قطعی{NBSP}گاز{NBSP}در{NBSP}شهرهای{NBSP}شمالی{NBSP}"
VIDEO_PATH = f"/في-أوه-دي/گفت{ZWNJ}وگو-با-کارشناس-اقتصادی"
IRAN_IN_BRIEF_PATH = "/en/iran-in-brief/tehran-metro-fares-rise-25-percent"


def _link_para(path, label):
    return (f'<a href="{quote(path, safe="/")}">{label}</a>', "")


SHAPE_DOCS = (
    Doc(
        "/en/iran-economy/oil-exports-fall-to-lowest-level",
        "en",
        "article",
        150,
        "Iran's oil exports fall to their lowest level in decades",
        (
            "Iran's crude exports fell to about 100,000 barrels a day in July, tanker trackers said.",
            _link_para(READ_MORE_TARGET_EN, "Read more"),
            "Buyers in Asia have stopped taking cargoes since US sanctions were tightened.",
            _link_para("/en/world/european-powers-urge-iran-cooperate-iaea", "More"),
        ),
        "Jul 22, 2020",
        utc(2020, 7, 21, 19, 30),
    ),
    Doc(
        READ_MORE_TARGET_EN,
        "en",
        "article",
        151,
        "Tehran Stock Exchange hits a new high as the rial falls",
        (
            "The main index of the Tehran Stock Exchange passed two million points on Saturday.",
            "Analysts say savers are moving money into shares to escape inflation.",
        ),
        "Jul 25, 2020",
        utc(2020, 7, 24, 19, 30),
    ),
    Doc(
        f"/اقتصاد/صادرات-نفت-ایران-به-پایین{ZWNJ}ترین-سطح-رسید",
        "fa",
        "article",
        2150,
        f"صادرات نفت ایران به پایین{ZWNJ}ترین سطح رسید",
        (
            "صادرات نفت خام ایران در ماه تیر به حدود صد هزار بشکه در روز کاهش یافت.",
            _link_para(READ_MORE_TARGET_FA, "بیشتر بخوانید"),
            f"خریداران آسیایی پس از تشدید تحریم{ZWNJ}ها خرید نفت ایران را متوقف کرده{ZWNJ}اند.",
        ),
        "۲۴ تیر ۱۳۹۹",
        utc(2020, 7, 13, 19, 30),
    ),
    Doc(
        READ_MORE_TARGET_FA,
        "fa",
        "article",
        2151,
        "بورس تهران رکورد تازه زد",
        (
            "شاخص کل بورس تهران روز شنبه از مرز دو میلیون واحد گذشت.",
            f"کارشناسان می{ZWNJ}گویند مردم برای حفظ ارزش پول خود به بازار سهام روی آورده{ZWNJ}اند.",
        ),
        "۲۶ تیر ۱۳۹۹",
        utc(2020, 7, 15, 19, 30),
    ),
    # Linked only by a link percent-encoded twice (the fa home's picks).
    Doc(
        DOUBLE_ENCODED_PATH,
        "fa",
        "article",
        2152,
        "قیمت طلا در بازار تهران افزایش یافت",
        (
            "قیمت هر سکه طلا در بازار تهران روز یکشنبه افزایش یافت.",
            f"فعالان بازار این افزایش را به کاهش ارزش ریال نسبت می{ZWNJ}دهند.",
        ),
        "۳۰ تیر ۱۳۹۹",
        utc(2020, 7, 19, 19, 30),
    ),
    # NBSP between the words of the slug and at its end, linked with three spellings.
    Doc(
        NBSP_PATH,
        "fa",
        "article",
        2153,
        "قطعی گاز در شهرهای شمالی",
        (
            "گاز چند شهر استان گیلان پس از آسیب دیدن خط لوله قطع شد.",
            "شرکت گاز گفته است جریان گاز تا فردا برقرار می\u200cشود.",
        ),
        "۲۴ تیر ۱۳۹۹",
        utc(2020, 7, 13, 19, 30),
    ),
    # A video node: player iframe, poster, description (kind "video").
    Doc(
        VIDEO_PATH,
        "fa",
        "video",
        2160,
        f"گفت{ZWNJ}وگو با یک کارشناس اقتصادی",
        (f"در این برنامه یک کارشناس اقتصادی درباره آینده بازار ارز گفت{ZWNJ}وگو می{ZWNJ}کند.",),
        "۲۶ تیر ۱۳۹۹",
        utc(2020, 7, 15, 19, 30),
        theme="video",
        images=(("economy-talk-poster.jpg", None),),
        video_url="https://admin.mangomolo.com/analytics/index.php/customers/embed/video"
        "?id=123456&user_id=100&countries=Q0M=&w=100%25&h=100%25",
    ),
    # An English brief under /en/iran-in-brief/ whose node type is "article".
    Doc(
        IRAN_IN_BRIEF_PATH,
        "en",
        "brief",
        145,
        "Tehran metro fares rise 25 percent",
        (
            "Tehran's city council has approved a 25 percent rise in metro fares from next month.",
            "The council said the rise would pay for new trains.",
        ),
        "Aug 20, 2021",
        utc(2021, 8, 19, 19, 30),
        node_type="article",
    ),
)

ALL_DOCS = EN_ARTICLES + EN_BRIEFS + FA_ARTICLES + FA_BRIEFS + SHAPE_DOCS

# Teasers on the two home pages (the Persian one uses the seen listing markup).
HOME_LISTS = {
    "/en": (
        SEED_PATH,
        EN_ARTICLES[1].path,
        EN_ARTICLES[6].path,
        EN_ARTICLES[7].path,
        SHAPE_DOCS[0].path,
    ),
    "/": (
        FA_ARTICLES[0].path,
        FA_ARTICLES[5].path,
        FA_ARTICLES[6].path,
        FA_ARTICLES[1].path,
        SHAPE_DOCS[2].path,
        NBSP_PATH,
        VIDEO_PATH,
    ),
}

# Writer pages (listings of a writer's articles), linked from the Persian
# articles' author field.
WRITER_PREFIX = "/نویسنده/"

# The breaking-news ticker: headlines without links (on the fa home and /breaking-news).
BREAKING_NEWS = (
    "انفجار در یک کارخانه در جنوب تهران",
    "وزیر خارجه به مسکو رفت",
    "قیمت دلار از ۲۵ هزار تومان گذشت",
)
BREAKING_PATH = "/breaking-news"
# A node type the crawl cannot place: the TV schedule, a Drupal "page".
SCHEDULE = {
    "path": "/جدول-پخش-ایران-اینترنشنال",
    "nid": 6,
    "title": "جدول پخش ایران اینترنشنال",
    "paras": ("برنامه\u200cهای امروز ایران اینترنشنال را در این صفحه ببینید.",),
}


class RawHref(str):
    """An href written as it stands, not percent-encoded by the replica."""


# Per-language chrome.  Persian banner: exact text given in the brief (inferred).
LANG = {
    "en": {
        "dir": "ltr",
        "home": "/en",
        "site": "Iran International",
        "banner": (
            "You see a page from the old site of Iran International that is no longer "
            'updated. Visit <a href="https://www.iranintl.com/en"><img '
            'src="/sites/default/files/new-site.png" alt=""></a> to view the new site.'
        ),
        "nav": (("/en", "Home"), ("/en/world", "World"), ("/en/iran", "Iran"), ("/", "فارسی")),
        "footer": (
            ("/en/contact", "Contact us"),
            ("/en/user/login", "Log in"),
            ("https://www.iranintl.com/en", "New website"),
            ("https://twitter.com/IranIntl_En", "Twitter"),
        ),
        "brief_title": "Iran in Brief",
        "more": "More",
        "share": "Share this:",
        "empty": "No articles found.",
        "not_found": "Page not found",
        "not_found_text": 'The requested page "$path" could not be found.',
        "picks": "Editor's picks",
        "skip": "Skip to main content",
    },
    "fa": {
        "dir": "rtl",
        "home": "/",
        "site": "ایران اینترنشنال",
        "banner": (
            f"شما صفحه{ZWNJ}ای از سایت قدیمی ایران اینترنشنال را می{ZWNJ}بینید که دیگر "
            f"به{ZWNJ}روزرسانی نمی{ZWNJ}شود. برای دیدن سایت جدید به "
            '<a href="https://www.iranintl.com">اینجا</a> بروید.'
        ),
        "nav": (("/", "خانه"), ("/سیاست", "سیاست"), ("/ایران", "ایران"), ("/en", "English")),
        "footer": (
            ("/user/login", "ورود"),
            ("https://www.iranintl.com", "سایت جدید"),
            ("https://twitter.com/IranIntl", "توییتر"),
        ),
        "brief_title": "ایران در یک نگاه",
        "more": "بیشتر",
        "share": "به اشتراک بگذارید:",
        "empty": "مطلبی پیدا نشد.",
        "not_found": "صفحه پیدا نشد",
        "not_found_text": "صفحه «$path» پیدا نشد.",
        "picks": "پیشنهاد سردبیر",
        "skip": "رفتن به محتوای اصلی",
    },
}

# Extra links on the home pages ("Editor's picks" block): duplicates,
# a dead link, an alias spelling and a tag page.  (href, label) pairs; hrefs
# may carry a query or fragment.
PICKS = {
    "/en": (
        (
            EN_ARTICLES[6].path + "?utm_source=twitter&utm_medium=social",
            "Tehran heat (via Twitter)",
        ),
        (EN_ARTICLES[10].path + "#comments", "Comments: parliament and the Russia deal"),
        ("/en/world/removed-article", "An article that was removed"),
        ("/en/protests", "Protests"),
    ),
    "/": (
        ("/ايران/قیمت-دلار-به-۲۵-هزار-تومان-رسید", "قیمت دلار"),
        # Encoded twice: the replica encodes the link once more.
        (quote(DOUBLE_ENCODED_PATH, safe="/"), "قیمت طلا"),
        (RawHref(NBSP_PATH), "قطعی گاز (نشانی خام)"),
        (quote(NBSP_PATH, safe="/"), "قطعی گاز (دوبار کدگذاری)"),
        (BREAKING_PATH, "خبرهای فوری"),
        (SCHEDULE["path"], "جدول پخش"),
        ("/تحریم", "تحریم"),
        (FA_ARTICLES[2].path + "?utm_source=telegram", "طرح تازه مالیات"),
    ),
}

CONTACT = {
    "path": "/en/contact",
    "nid": 5,
    "title": "Contact us",
    "paras": (
        "Iran International is a 24-hour Persian-language news channel based in London.",
        "To contact the newsroom, write to newsroom@iranintl.example.",
    ),
}
