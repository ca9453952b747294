"""The Swedish catalogues hold a finished translation of every string the code marks.

`makemessages` adds each new string untranslated, and marks a guessed one fuzzy (Django
never shows a fuzzy translation): either leaves English on a Swedish page.
"""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted((ROOT / "locale" / "sv" / "LC_MESSAGES").glob("*.po"))


def unfinished(path: Path) -> list[str]:
    """Entries of a catalogue that are untranslated or fuzzy, as `file:line msgid` lines."""
    catalogue = polib.pofile(str(path))
    return [
        f"{path.name}:{entry.linenum} {'fuzzy' if entry.fuzzy else 'untranslated'}: {entry.msgid!r}"
        for entry in catalogue
        if not entry.obsolete and (entry.fuzzy or not entry.translated())
    ]


def test_there_is_a_django_catalogue():
    assert ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.name)
def test_every_swedish_entry_is_translated(path):
    missing = unfinished(path)
    assert not missing, "\n".join(missing)


def test_an_untranslated_or_fuzzy_entry_is_found(tmp_path):
    """The check itself: it names both kinds of unfinished entry and passes finished ones."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Done"\nmsgstr "Klar"\n\n'
        'msgid "Skipped"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Date out of range"\nmsgstr "Datum"\n\n'
        'msgid "%d seat"\nmsgid_plural "%d seats"\nmsgstr[0] "%d plats"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    found = unfinished(po)
    assert len(found) == 3
    assert "untranslated: 'Skipped'" in found[0]
    assert "fuzzy: 'Date out of range'" in found[1]
    assert "untranslated: '%d seat'" in found[2]
