"""The workshop apps' languages: gettext catalogs (Babel) and numbers the reader expects.

Every word an owner sees goes through a :class:`Translator`: ``tr("Firm name")`` looks the
English text up in ``locale/<lang>/LC_MESSAGES/sme_workshop.po`` (a plain gettext catalog,
read with Babel's ``.po`` reader when the kernel starts, so a fresh clone needs no compile
step and a facilitator's edit shows after a restart). A message without a translation (or
marked fuzzy) stays in English: nothing is ever blank. Numbers go through :meth:`Translator.num`
(Babel's CLDR patterns: Bengali grouping ``১,২৩,৪৫৬``, Bengali digits, the Taka sign ``৳``).

To add a language: copy ``locale/sme_workshop.pot`` to ``locale/<code>/LC_MESSAGES/sme_workshop.po``,
fill in the ``msgstr`` lines, add the code to :data:`LANGUAGES`, restart ``make workshop``
(course/workshop/GUIDE.md, "Adding a language").

>>> tr = Translator("bn")
>>> tr("Firm name"), tr.num(1234567), tr.taka(2500)
('প্রতিষ্ঠানের নাম', '১২,৩৪,৫৬৭', '৳২,৫০০')
>>> Translator("en").num(1234567), Translator("en")("Firm name")
('1,234,567', 'Firm name')
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from urllib.parse import parse_qs

__all__ = ["Translator", "LANGUAGES", "DEFAULT", "DOMAIN", "LOCALE_DIR", "ROOM_LANG_ENV", "catalog",
           "language_from_query", "n_", "page_is_waiting", "room_language"]

DOMAIN = "sme_workshop"
LOCALE_DIR = Path(__file__).with_name("locale")
#: Language code → its own name (what the page's language switch shows).
LANGUAGES = {"en": "English", "bn": "বাংলা"}
DEFAULT = "en"
#: the room's language: what a page without ``?lang=`` shows (``make workshop WORKSHOP_LANG=bn``)
ROOM_LANG_ENV = "SME_TEACH_WORKSHOP_LANG"

_DIGITS = {"bn": str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")}


def n_(message: str) -> str:
    """Mark a string for the catalog without translating it here (it is translated where shown)."""
    return message


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(path: Path) -> dict:
    """The catalog's translations (parsed each time: ~330 messages, a few ms; nothing is cached here)."""
    from babel.messages.pofile import read_po

    with open(path, "rb") as fh:
        cat = read_po(fh)
    return {m.id: m.string for m in cat if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def catalog(lang: str) -> dict:
    """English text → translation for ``lang`` (empty for English or a language without a catalog)."""
    path = po_path(lang)
    if lang == "en" or not path.is_file():
        return {}
    return _read(path)


def room_language() -> str:
    """The room's language (:data:`ROOM_LANG_ENV`, English when unset or unknown).

    >>> import os; os.environ[ROOM_LANG_ENV] = "bn"; room_language()
    'bn'
    >>> os.environ[ROOM_LANG_ENV] = "xx"; room_language()
    'en'
    >>> del os.environ[ROOM_LANG_ENV]
    """
    value = os.environ.get(ROOM_LANG_ENV, "").strip().lower()
    return value if value in LANGUAGES else DEFAULT


def page_is_waiting() -> bool:
    """True in a kernel Voilà preheated, before a participant's page has taken it (no query string yet)."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False" and not os.environ.get("QUERY_STRING")


def language_from_query(query: str | None = None, default: str | None = None, wait: bool = True) -> str:
    """The ``lang`` of a page address's query string (``"lang=bn"`` → ``"bn"``), else ``default``
    (the room's language, :func:`room_language`).

    Without ``query``, Voilà's: the ``QUERY_STRING`` it puts in the kernel's environment. In a
    preheated kernel that is only known once a page has taken the kernel; with ``wait`` this waits for
    that page (:func:`voila.utils.get_query_string`), without it the default is returned at once.

    >>> language_from_query("lang=bn&x=1"), language_from_query("lang=xx", "en"), language_from_query("", "en")
    ('bn', 'en', 'en')
    """
    default = default or room_language()
    if query is None:
        query = os.environ.get("QUERY_STRING", "")
        if page_is_waiting():
            query = ""
            if wait:
                try:
                    from voila.utils import get_query_string

                    query = get_query_string() or ""
                except Exception:  # noqa: BLE001 - outside Voilà: the default language
                    query = ""
    value = (parse_qs(str(query).lstrip("?")).get("lang") or [""])[0].strip().lower()
    return value if value in LANGUAGES else default


class Translator:
    """``tr(text)`` in one language, plus numbers, percentages and Taka as its readers write them."""

    def __init__(self, lang: str = DEFAULT):
        self.lang = lang if lang in LANGUAGES else DEFAULT
        self._messages = catalog(self.lang)

    def __call__(self, message: str, **values) -> str:
        """The translation of ``message`` (English when there is none), with ``{name}`` filled in."""
        text = self._messages.get(message, message)
        return text.format(**values) if values else text

    def has(self, message: str) -> bool:
        return self.lang == "en" or message in self._messages

    def digits(self, text) -> str:
        """``text`` with its ASCII digits written in the language's own digits."""
        table = _DIGITS.get(self.lang)
        return str(text).translate(table) if table else str(text)

    def num(self, value, decimals: int = 0) -> str:
        """A number with the language's grouping and digits (``1,23,456`` in Bengali)."""
        from babel.numbers import format_decimal

        if value != value:  # NaN
            return "–"
        pattern = self._pattern("decimal_formats") + ("." + "0" * decimals if decimals else "")
        return self.digits(format_decimal(round(float(value), decimals), format=pattern, locale=self.lang))

    def _pattern(self, kind: str) -> str:
        """The integer part of the language's CLDR number pattern (``#,##,##0`` in Bengali: lakh grouping)."""
        from babel import Locale

        pattern = getattr(Locale.parse(self.lang), kind)[None].pattern
        return pattern.split(";")[0].split(".")[0]

    def pct(self, fraction, decimals: int = 0) -> str:
        """``0.2`` → ``20%`` (``২০%``)."""
        from babel.numbers import format_percent

        pattern = self._pattern("decimal_formats") + ("." + "0" * decimals if decimals else "") + "%"
        return self.digits(format_percent(fraction, format=pattern, locale=self.lang))

    def taka(self, amount) -> str:
        """An amount in Bangladeshi Taka with the ``৳`` sign, no decimals."""
        from babel.numbers import format_currency

        return self.digits(format_currency(amount, "BDT", format="¤" + self._pattern("decimal_formats"),
                                           locale=self.lang, currency_digits=False))

    def date(self, when=None) -> str:
        """Today's (or ``when``'s) date in words: ``1 December 2026`` / ``১ ডিসেম্বর, ২০২৬``."""
        import datetime

        from babel.dates import format_date

        return self.digits(format_date(when or datetime.date.today(), "long", locale=self.lang))

    @functools.cached_property
    def _territories(self) -> dict:
        from babel import Locale

        return dict(Locale.parse(self.lang).territories)

    def country(self, iso2: str | None, english: str) -> str:
        """A country's name in the language (CLDR via Babel), else its English name."""
        if self.lang == "en" or not iso2:
            return english
        return self._territories.get(str(iso2).upper(), english)

