"""Vietnamese is the default language: every message of the interface must have a translation."""

import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def entries() -> list[str]:
    return [block for block in CATALOGUE.read_text().split("\n\n") if "msgid" in block]


def test_no_vietnamese_message_is_fuzzy():
    fuzzy = [block for block in entries()[1:] if "#, fuzzy" in block]
    assert fuzzy == []


def test_every_message_has_a_vietnamese_translation():
    untranslated = []
    for block in entries()[1:]:  # the first entry is the catalogue header
        translations = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.MULTILINE)
        if not translations or any(text.replace('"', "").strip() == "" for text in translations):
            untranslated.append(block.splitlines()[-2:])
    assert untranslated == []
