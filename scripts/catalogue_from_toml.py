"""One-off: write the gettext catalogues from the TOML catalogues they replace.

The web's messages used to live in ``api/web/i18n/zh-CN.toml`` and ``en.toml`` (keys like
``desk.title``; a message that depends on a count as ``{one = "…", other = "…"}``). This script
turns both into the gettext catalogues ``api/web/i18n.py`` reads:

- ``api/web/i18n/casetrail.pot``: the template, every message with its key as ``msgctxt`` and
  its English words as ``msgid`` (``msgid_plural`` for a counted message);
- ``api/web/i18n/<locale>/LC_MESSAGES/casetrail.po`` for ``zh_CN`` and ``en``: the same entries
  with the language's words in ``msgstr`` (``msgstr[n]`` per gettext plural form, each form
  taken from the TOML form of the CLDR category it stands for).

It is a one-off for the move from TOML to gettext while TOML keys are still being added on
other branches. After merging them, run it once more on the merged TOML files, check the diff,
run tests/unit/test_web_i18n.py, then delete both TOML files and this script. From then on the
``.po`` files are the source (docs/translating.md). Where the TOML files are not in the
checkout (this branch removes them), point at a folder that holds them::

    mkdir -p /tmp/toml
    git show main:api/web/i18n/zh-CN.toml > /tmp/toml/zh-CN.toml
    git show main:api/web/i18n/en.toml > /tmp/toml/en.toml
    .venv/bin/python scripts/catalogue_from_toml.py --toml /tmp/toml

The output is deterministic: entries in the English file's order, fixed header dates, wrapped by
Babel's writer as ``pybabel update`` wraps them, so re-running it on the same TOML changes
nothing. Run with ``--check`` to fail (exit 1) instead of writing when a file would change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import write_po

I18N = Path(__file__).resolve().parents[1] / "api" / "web" / "i18n"
DOMAIN = "casetrail"
# TOML file -> gettext locale (the folder under api/web/i18n/).
LANGUAGES = {"zh-CN": "zh_CN", "en": "en"}
SOURCE = "en"  # the msgid language
CATEGORIES = {"zero", "one", "two", "few", "many", "other"}
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
# Fixed, so that re-running on the same TOML writes the same bytes.
WRITTEN = dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.UTC)
# Babel names the language in place of "Translations template" in a language's catalogue.
HEADER = """\
# Translations template for PROJECT: the words of its pages, notices and refusals.
# Each message's key is its msgctxt and its English words its msgid;
# docs/translating.md says how to add a message or a language.
#"""

Text = str | dict[str, str]  # a message, or its forms by CLDR plural category


def messages(path: Path) -> dict[str, Text]:
    """A TOML catalogue flattened to ``section.key``, in the file's order. A table of CLDR
    categories inside a section is one counted message, not a section of its own."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    found: dict[str, Text] = {}

    def walk(table: dict[str, Any], prefix: str, depth: int) -> None:
        for key, value in table.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict) and depth >= 1 and set(value) <= CATEGORIES:
                found[name] = {k: str(v) for k, v in value.items()}
            elif isinstance(value, dict):
                walk(value, f"{name}.", depth + 1)
            else:
                found[name] = str(value)

    walk(data, "", 0)
    return found


def form_categories(locale: str) -> list[str]:
    """The CLDR category each gettext plural form (``msgstr[i]``) of ``locale`` stands for,
    found by evaluating gettext's ``plural=`` expression and CLDR's rules on the same counts."""
    import gettext  # noqa: PLC0415 - only the converter evaluates plural expressions

    rule = get_plural(locale)
    pick = gettext.c2py(rule.plural_expr)
    cldr = Locale.parse(locale)
    categories: dict[int, str] = {}
    for n in range(1000):
        categories.setdefault(pick(n), cldr.plural_form(n))
    return [categories[i] for i in range(rule.num_plurals)]


def placeholders(text: Text) -> set[str]:
    forms = [text] if isinstance(text, str) else list(text.values())
    return {name for form in forms for name in PLACEHOLDER.findall(form)}


def comments(source: Text, translations: dict[str, Text]) -> list[str]:
    """A note for translators where a translation leaves a value out on purpose (the Chinese
    refusals that would otherwise show an English phrase the domain wrote). Babel flags every
    message with ``{name}`` placeholders python-brace-format, and ``msgfmt --check`` names
    each such omission; the note says it is meant."""
    wanted = placeholders(source)
    left_out = sorted({n for t in translations.values() for n in wanted - placeholders(t)})
    if not left_out:
        return []
    return [f"Left out on purpose in some languages: {', '.join(left_out)}."]


def new_catalog(locale: str | None) -> Catalog:
    return Catalog(
        locale=locale,
        domain=DOMAIN,
        project="Casetrail",
        version="1",
        copyright_holder="Casetrail",
        msgid_bugs_address="",
        creation_date=WRITTEN,
        revision_date=WRITTEN,
        last_translator="Casetrail",
        language_team=f"{locale or 'LANGUAGE'} <casetrail>",
        charset="utf-8",
        fuzzy=False,
        header_comment=HEADER,
    )


def uncounted(tomls: dict[str, dict[str, Text]]) -> None:
    """A message added after its section was closed sits in a table of its own with one
    ``other`` form in every language (``[notice.task_red_subject] other = "…"``): it is a plain
    message, not a counted one."""
    for key in list(tomls[SOURCE]):
        texts = [found.get(key) for found in tomls.values()]
        if all(isinstance(t, dict) and set(t) == {"other"} for t in texts):
            for found in tomls.values():
                text = found[key]
                assert isinstance(text, dict)
                found[key] = text["other"]


def build(tomls: dict[str, dict[str, Text]]) -> dict[Path, Catalog]:
    uncounted(tomls)
    source = tomls[SOURCE]
    for lang, found in tomls.items():
        if set(found) != set(source):
            missing, extra = sorted(set(source) - set(found)), sorted(set(found) - set(source))
            raise SystemExit(f"{lang}: keys differ from {SOURCE}: missing {missing}, extra {extra}")
    template = new_catalog(None)
    out: dict[Path, Catalog] = {I18N / f"{DOMAIN}.pot": template}
    catalogs = {lang: new_catalog(locale) for lang, locale in LANGUAGES.items()}
    forms = {lang: form_categories(locale) for lang, locale in LANGUAGES.items()}
    for key, english in source.items():
        msgid: str | tuple[str, str]
        if isinstance(english, dict):
            msgid = (english.get("one", english["other"]), english["other"])
        else:
            msgid = english
        translations = {lang: tomls[lang][key] for lang in LANGUAGES}
        notes = comments(english, translations)
        empty: str | tuple[str, str] = "" if isinstance(msgid, str) else ("", "")
        template.add(msgid, empty, auto_comments=notes, context=key)
        for lang, text in translations.items():
            if isinstance(msgid, str) != isinstance(text, str):
                raise SystemExit(f"{lang}: {key} is counted in one language only")
            if isinstance(text, str):
                string: str | tuple[str, ...] = text
            else:
                string = tuple(text.get(c, text["other"]) for c in forms[lang])
            catalogs[lang].add(msgid, string, auto_comments=notes, context=key)
    for lang, catalog in catalogs.items():
        out[I18N / LANGUAGES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"] = catalog
    return out


def rendered(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, omit_header=False)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file would change")
    parser.add_argument(
        "--toml", type=Path, default=I18N, help="folder of zh-CN.toml and en.toml (api/web/i18n)"
    )
    args = parser.parse_args(argv)
    tomls = {lang: messages(args.toml / f"{lang}.toml") for lang in LANGUAGES}
    stale = []
    for path, catalog in build(tomls).items():
        content = rendered(catalog)
        if path.exists() and path.read_bytes() == content:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    for path in stale:
        print(("stale: " if args.check else "wrote: ") + str(path.relative_to(I18N.parents[2])))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
