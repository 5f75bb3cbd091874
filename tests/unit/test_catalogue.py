"""The French catalogue is complete: every message of the templates and the Python code is translated.

The messages are extracted afresh here, as ``make messages`` extracts them
(``babel.cfg``), so a string added to a template without running it fails
this test as surely as one left untranslated: the fix is ``make messages``,
then a translation for each new entry of the ``.po`` file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from sahel_kg.languages import LANGUAGES
from sahel_kg.pages.i18n import po_path

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def extracted() -> dict[tuple[str, str | None], tuple[str, ...]]:
    """Every message the code and templates use: (msgid, context) → its forms (singular, plural)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[tuple[str, str | None], tuple[str, ...]] = {}
    for _file, _line, message, _comments, context in extract_from_dir(ROOT, method_map, options_map):
        forms = (message,) if isinstance(message, str) else tuple(message)
        found[(forms[0], context)] = forms
    return found


def test_extraction_finds_the_interface() -> None:
    """The extraction itself works: templates and Python both give messages (a broken babel.cfg gives none)."""
    found = extracted()
    assert ("Skip to content", None) in found  # base.html
    assert ("Context event", None) in found  # a kind marked in Python with N_()
    assert ("N", "compass") in found  # a message with a context
    assert len(found) > 200


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    problems = []
    for (msgid, context), forms in sorted(extracted().items(), key=lambda item: item[0][0]):
        entry = catalog.get(forms if len(forms) > 1 else msgid, context=context)
        label = f"{msgid!r}" + (f" (context {context!r})" if context else "")
        if entry is None:
            problems.append(f"{label}: not in the catalogue (run make messages)")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy:
            problems.append(f"{label}: marked fuzzy")
        elif not all(s.strip() for s in strings) or len(strings) != catalog.num_plurals and len(forms) > 1:
            problems.append(f"{label}: no translation")
        elif any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(english))
                 for s, english in zip(strings, forms)):  # French plural forms: n ≤ 1, then n > 1, as English
            problems.append(f"{label}: placeholders differ from the English")
    assert not problems, f"{po_path(lang)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_fuzzy_or_stale_entries(lang: str) -> None:
    """No fuzzy entry anywhere in the file, and no entry the code no longer uses (make messages drops them)."""
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    used = set(extracted())
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    stale = [m.id for m in catalog if m.id and ((m.id if isinstance(m.id, str) else m.id[0]), m.context) not in used]
    assert not fuzzy and not stale, f"fuzzy: {fuzzy}; no longer used: {stale}"


def test_every_example_group_is_marked_for_the_catalogue() -> None:
    """The gallery's groups come from the ``# group:`` lines of the example files, which extraction does not
    read: each must be one of the groups examples.py marks, or it would be shown in English on a French page."""
    from sahel_kg.pages.examples import GROUPS, OTHER_QUESTIONS, example_groups

    found = {group for group, _examples in example_groups()}
    assert found and found <= {*GROUPS, OTHER_QUESTIONS}, found - {*GROUPS, OTHER_QUESTIONS}
