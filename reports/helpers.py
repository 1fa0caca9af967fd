"""Small helpers several report modules share: receipt codes, the area a report belongs to,
and how alike two texts are (duplicates, lost & found matches)."""

import difflib

from core.text import fold
from places.models import Tier, Unit
from reports.models import Report


def normalize_code(code: str) -> str:
    """A receipt code as stored (`CG-ABCD-2345`), however it was typed."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if raw.startswith("CG"):
        raw = raw[2:]
    return f"CG-{raw[:4]}-{raw[4:]}" if len(raw) == 8 else (code or "").strip().upper()


def area_path(unit: Unit) -> str:
    """The path of the unit's hamlet (or of the unit itself when it sits above hamlets)."""
    if unit.tier <= Tier.HAMLET:
        return unit.path
    codes = unit.ancestor_codes()
    return "/".join(codes[: len(codes) - (unit.tier - Tier.HAMLET)]) + "/"


def report_area_path(report: Report) -> str:
    """Duplicates are looked for in the same hamlet (or the unit itself when above hamlets)."""
    return area_path(report.unit)


def similarity(a: str, b: str) -> float:
    words_a, words_b = set(fold(a).split()), set(fold(b).split())
    if not words_a or not words_b:
        return 0.0
    jaccard = len(words_a & words_b) / len(words_a | words_b)
    sequence = difflib.SequenceMatcher(None, fold(a), fold(b)).ratio()
    return round((jaccard + sequence) / 2, 3)


def area_name(report: Report) -> str:
    """The report's unit with the units above it up to the commune ("Tổ 5, Ấp Phước Hội, Xã Phước Ninh")."""
    chain = report.unit.ancestor_chain()  # root first, the unit itself last
    communes = [index for index, unit in enumerate(chain) if unit.tier == Tier.COMMUNE]
    if not communes:
        return report.unit.name
    return ", ".join(unit.name for unit in reversed(chain[communes[0] :]))
