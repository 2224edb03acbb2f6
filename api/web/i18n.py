"""Messages and formats per language: zh-CN (the default) and English.

The messages are gettext catalogues beside this module, as translators' tools (Poedit, Weblate,
``pybabel update``) expect them: the template ``i18n/casetrail.pot`` and one
``i18n/<locale>/LC_MESSAGES/casetrail.po`` per language (``zh_CN``, ``en``), each with its
``Language`` and CLDR's ``Plural-Forms`` in its header. docs/translating.md says how to add a
message or a language.

Every entry is keyed by ``msgctxt``: the name the code and templates ask for
(``t("desk.title")``), and its ``msgid`` is the English sentence. We chose that over the
key as msgid (a "message id" catalogue) because it is what gettext tools are made for: a
translator sees the English beside the Chinese in any tool, with no monolingual setup; a
changed English sentence turns its translations fuzzy on ``pybabel update``, so they are
looked at again; a counted message has a real ``msgid_plural`` and one ``msgstr[n]`` per
plural form of the language; and the key still tells apart two messages that read the same
in English, while the code keeps asking for stable names, never for English text.

The ``.po`` files are read with Babel at first use and compiled in memory into
``babel.support.Translations``, so gettext's own ``npgettext`` picks a counted message's form
by the catalogue's ``Plural-Forms``. No ``.mo`` file is built or committed: the text files are
the only source, and reading about 1,200 messages once per process costs little. A fuzzy entry
counts as untranslated (gettext's rule), and the catalogue tests allow none. Placeholders are
``{name}`` (python-brace-format).

Dates, times, months, weekdays and numbers are written by Babel from CLDR, in the
jurisdiction's civil time: the way each language writes them, not by hand.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale as CldrLocale
from babel.dates import format_date, format_skeleton, format_time, get_datetime_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
CATALOGUES = Path(__file__).parent / "i18n"
DOMAIN = "casetrail"
# The gettext locale (the catalogue's folder) of each page language.
GETTEXT = {"zh-CN": "zh_CN", "en": "en"}
# CLDR's locales for the pages' languages: British English writes "2 Mar 2026, 09:00".
CLDR = {"zh-CN": "zh_Hans_CN", "en": "en_GB"}
NOTHING = "—"


def catalogue_path(lang: str) -> Path:
    return CATALOGUES / GETTEXT[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


class Catalogue(Mapping[str, str]):
    """One language's messages by key. As a mapping, a counted message gives its general form
    (CLDR's ``other``, gettext's last ``msgstr[n]``); ``text`` gives the form of a count."""

    def __init__(
        self,
        translations: Translations,
        sources: dict[str, tuple[str, str | None]],
        general: dict[str, str],
    ) -> None:
        self._translations = translations
        # key -> (msgid, msgid_plural or None)
        self._sources = sources
        # key -> a counted message's general form: its last msgstr[n], gettext's convention
        self._general = general

    def counted(self, key: str) -> bool:
        source = self._sources.get(key)
        return source is not None and source[1] is not None

    def text(self, key: str, count: int | None = None) -> str | None:
        """The message ``key``, or None when the catalogue has none. A counted message takes
        the form gettext's ``Plural-Forms`` gives ``count`` (with no count, the general one)."""
        source = self._sources.get(key)
        if source is None:
            return None
        singular, plural = source
        if plural is None:
            return str(self._translations.pgettext(key, singular))
        if count is None:
            return self._general.get(key) or plural
        return str(self._translations.npgettext(key, singular, plural, count))

    def __contains__(self, key: object) -> bool:
        return key in self._sources

    def __getitem__(self, key: str) -> str:
        text = self.text(key)
        if text is None:
            raise KeyError(key)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


@cache
def catalogue(lang: str) -> Catalogue:
    """The language's messages, read from its ``.po`` file once per process."""
    with catalogue_path(lang).open("rb") as file:
        found = read_po(file, locale=GETTEXT[lang], domain=DOMAIN, abort_invalid=True)
    compiled = io.BytesIO()
    write_mo(compiled, found)
    compiled.seek(0)
    sources: dict[str, tuple[str, str | None]] = {}
    general: dict[str, str] = {}
    for message in found:
        if not message.id or message.context is None:
            continue  # the header
        if isinstance(message.id, tuple | list):
            sources[message.context] = (str(message.id[0]), str(message.id[1]))
            forms = message.string if isinstance(message.string, tuple | list) else ()
            if forms and forms[-1] and not message.fuzzy:
                general[message.context] = str(forms[-1])
        else:
            sources[message.context] = (str(message.id), None)
    return Catalogue(Translations(compiled, domain=DOMAIN), sources, general)


@lru_cache(maxsize=4096, typed=True)
def _number(value: float, digits: int, lang: str) -> str:
    """Babel parses the pattern and works out the digits anew on each call (some 0.1 ms): a
    board page shows a few hundred counts, most of them the same few small numbers."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern, locale=_cldr(lang))


def pick_language(wanted: str | None) -> str:
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Locale:
    lang: str
    tz: dt.timezone

    @property
    def chinese(self) -> bool:
        return self.lang == "zh-CN"

    @property
    def cldr(self) -> CldrLocale:
        return _cldr(self.lang)

    def t(self, key: str, /, **values: Any) -> str:
        """The message ``key``, with ``{name}`` placeholders filled in. A message with plural
        forms takes the form of its count (the first whole number among ``values``). A missing
        key shows itself, so a gap is visible (and the catalogue test names it)."""
        text = catalogue(self.lang).text(key, count_of(values))
        if text is None:
            text = key
        return text.format(**values) if values else text

    def label(self, group: str, value: Any) -> str:
        """A value's name (a status, a case type...), or the value when it has none."""
        if value is None or value == "":
            return NOTHING
        return catalogue(self.lang).get(f"{group}.{value}", str(value))

    def date(self, value: dt.date | dt.datetime | str | None) -> str:
        day = self._day(value)
        if day is None:
            return NOTHING
        return format_date(day, "medium", locale=self.cldr)

    def datetime(self, value: dt.datetime | str | None) -> str:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment is None:
            return NOTHING
        if moment.tzinfo is not None:
            moment = moment.astimezone(self.tz)
        clock = format_time(moment, "HH:mm", locale=self.cldr)
        joined = get_datetime_format("medium", locale=self.cldr)
        return str(joined).replace("{1}", self.date(moment)).replace("{0}", clock)

    def month(self, value: str) -> str:
        """A month ``2026-03`` as the language names it with its year (2026年3月, Mar 2026)."""
        first = dt.date.fromisoformat(f"{value}-01")
        return format_skeleton("yMMM", first, locale=self.cldr)

    def weekday(self, value: dt.date | str) -> str:
        day = self._day(value)
        assert day is not None
        return format_date(day, "EEEE", locale=self.cldr)

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return NOTHING
        return _number(value, digits, self.lang)

    def percent(self, fraction: float | None, digits: int = 1) -> str:
        """A rate in [0, 1] as a percentage; nothing counted shows a dash, never 0 %."""
        if fraction is None:
            return NOTHING
        return f"{self.number(fraction * 100, digits)}%"

    def _day(self, value: dt.date | dt.datetime | str | None) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            value = (
                dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            )
        if isinstance(value, dt.datetime):
            return value.astimezone(self.tz).date() if value.tzinfo else value.date()
        return value


def count_of(values: Mapping[str, Any]) -> int | None:
    """The count a counted message takes its form from: the first whole number among its
    values (``days=3``), never a flag."""
    for value in values.values():
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


@cache
def _cldr(lang: str) -> CldrLocale:
    return CldrLocale.parse(CLDR[lang])
