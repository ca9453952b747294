"""The gate page's texts come from Django's JavaScript catalogue, one URL per language."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
GATE_JS = ROOT / "expo" / "scanning" / "static" / "expo" / "gate.js"
DJANGOJS_PO = ROOT / "locale" / "sv" / "LC_MESSAGES" / "djangojs.po"


def _catalogue(client, language: str) -> dict:
    response = client.get(f"/gate/jsi18n/{language}.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    found = re.search(r"newcatalog = (\{.*?\n\s*\});", response.content.decode(), re.S)
    return json.loads(found.group(1)) if found else {}


def _texts_in_gate_js() -> tuple[set[str], set[str]]:
    source = GATE_JS.read_text()
    singular = set(re.findall(r'\bgettext\(\s*"((?:[^"\\]|\\.)*)"\s*\)', source))
    plural = set(re.findall(r'\bngettext\(\s*"((?:[^"\\]|\\.)*)"', source))
    return singular, plural


def test_every_gate_text_has_a_swedish_translation(client):
    singular, plural = _texts_in_gate_js()
    assert len(singular) > 50 and len(plural) == 8
    catalogue = _catalogue(client, "sv")
    untranslated = sorted(text for text in singular | plural if not catalogue.get(text))
    assert not untranslated
    assert catalogue["Scan with camera"] == "Skanna med kameran"
    assert catalogue["{count} scan waiting to be sent."] == [
        "{count} skanning väntar på att skickas.",
        "{count} skanningar väntar på att skickas.",
    ]


def test_the_swedish_script_catalogue_has_no_fuzzy_or_empty_entry():
    text = DJANGOJS_PO.read_text()
    assert "#, fuzzy" not in text
    entries = text.split("\n\n")[1:]  # after the header
    assert entries
    # `msgstr ""` with no continuation line: a long text goes on in the lines below it.
    empty = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n(?!")', e + "\n", re.M)]
    assert not empty


def test_english_is_the_source_and_other_languages_are_not_served(client):
    assert _catalogue(client, "en") == {}
    assert client.get("/gate/jsi18n/de.js").status_code == 404


@pytest.mark.django_db
def test_the_page_loads_the_catalogue_of_its_language_before_gate_js(client, gate_staff):
    client.force_login(gate_staff)
    html = client.get("/gate/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert html.index('src="/gate/jsi18n/sv.js"') < html.index("expo/gate.js")
