"""Vietnamese text helpers shared by every app."""

import unicodedata

# đ/Đ do not decompose under NFD, so they are folded by hand.
_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case text without diacritics, so "Trộm chó" and "trom cho" compare equal.

    Used to fill `search_*` columns and to fold queries the same way, which keeps search
    working identically on SQLite and PostgreSQL without database extensions.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
