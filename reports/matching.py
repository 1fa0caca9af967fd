"""Lost ↔ found matching (docs/reports.md "Lost & found").

A pair is suggested only when every gate passes:
1. one post is lost and the other found, in compatible categories (`COMPATIBLE`);
2. posted within `LOST_FOUND_MATCH_DAYS` of each other;
3. within `LOST_FOUND_MATCH_KM` when both carry coordinates, otherwise in the same commune or
   neighbouring communes;
4. their descriptions are alike enough (`score` ≥ `LOST_FOUND_MATCH_THRESHOLD`).

The score reads attribute words on diacritic-folded text — the item type (phone, wallet,
buffalo, Wave…), its colour and brand — and adds a small share of plain word overlap. Two
posts naming different item types ("điện thoại đen" / "ví da nâu") score 0 whatever else they
share; different colours or brands pull the score down. The labelled pairs in
reports/tests/data/lostfound_pairs.json measure it (`python -m bench lostfound`).
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from core.text import fold

COMPATIBLE = {
    "lost_item": {"found_item"},
    "lost_animal": {"found_animal"},
    "lost_vehicle": {"found_vehicle"},
}

# Item types: folded words → one type. Longer phrases are matched first ("xe dap dien" before
# "xe dap"), and a phrase's words are not read again as another type.
ITEM_TYPES: dict[str, tuple[str, ...]] = {
    "phone": ("dien thoai", "dt", "dtdd", "iphone", "smartphone"),
    "wallet": ("vi", "bop"),
    "id_card": ("cccd", "cmnd", "can cuoc", "chung minh nhan dan", "the can cuoc"),
    "driving_licence": ("bang lai",),
    "vehicle_papers": ("giay dang ky xe", "dang ky xe", "cavet", "ca vet"),
    "household_book": ("so ho khau", "ho khau", "giay khai sinh", "khai sinh"),
    "land_title": ("so do", "so hong", "giay to dat"),
    "diploma": ("bang tot nghiep", "hoc ba", "ho so"),
    "keys": ("chia khoa", "chum chia khoa", "moc khoa"),
    "bag": ("tui", "tui xach", "balo", "ba lo", "cap", "tui vai"),
    "helmet": ("non bao hiem", "mu bao hiem"),
    "raincoat": ("ao mua",),
    "ring": ("nhan",),
    "necklace": ("day chuyen",),
    "laptop": ("laptop", "may tinh xach tay"),
    "camera": ("may anh",),
    "medicine": ("thuoc",),
    "bank_card": ("the atm", "the ngan hang"),
    "motorbike": (
        "xe may",
        "wave",
        "dream",
        "sh",
        "vision",
        "air blade",
        "exciter",
        "lead",
        "future",
        "sirius",
        "xe mo to",
    ),
    "bicycle": ("xe dap", "xe dap mini", "xe dap the thao"),
    "e_bike": ("xe dap dien", "xe dien"),
    "buffalo": ("trau", "nghe"),
    "cow": ("bo", "bo sua"),
    "dog": ("cho", "becgie", "phoc", "cho con"),
    "cat": ("meo",),
    "goat": ("de",),
    "pig": ("heo", "lon"),
    "chicken": ("ga", "ga choi"),
    "duck": ("vit", "vit xiem"),
    "parrot": ("ket", "vet"),
}
# Cards and papers travel together in a wallet: a found wallet "có CCCD" is the lost "CCCD".
TYPE_FAMILIES = {"wallet": {"id_card", "bank_card", "driving_licence", "vehicle_papers"}}
COLOURS = {
    "den": "đen",
    "trang": "trắng",
    "do": "đỏ",
    "xanh": "xanh",
    "vang": "vàng",
    "nau": "nâu",
    "hong": "hồng",
    "tim": "tím",
    "xam": "xám",
    "bac": "bạc",
    "tia": "tía",
}
BRANDS = (
    "honda",
    "yamaha",
    "suzuki",
    "samsung",
    "iphone",
    "oppo",
    "vivo",
    "nokia",
    "xiaomi",
    "honor",
    "toyota",
    "dell",
    "wave",
    "dream",
    "sh",
    "vision",
    "air blade",
    "exciter",
    "lead",
    "sirius",
)
STOPWORDS = set(
    [
        "mat",
        "nhat",
        "duoc",
        "dc",
        "co",
        "cai",
        "con",
        "chiec",
        "mot",
        "1",
        "o",
        "tai",
        "trong",
        "cua",
        "toi",
        "em",
        "ai",
        "thay",
        "di",
        "lac",
        "vao",
        "nha",
        "bi",
        "roi",
        "lam",
        "mau",
        "la",
        "va",
        "khong",
        "da",
        "dang",
        "giu",
        "giup",
        "bao",
        "lien",
        "he",
        "ban",
    ]
)
_ABBREVIATIONS = {"dt": "dien thoai", "dc": "duoc", "đc": "duoc", "cty": "cong ty", "k": "khong", "ko": "khong"}


@dataclass(frozen=True)
class Post:
    """What matching reads of a lost or found report."""

    category: str
    text: str
    at: datetime
    commune: str  # the commune's code
    neighbours: frozenset[str] = frozenset()
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Features:
    types: frozenset[str]
    colours: frozenset[str]
    brands: frozenset[str]
    words: frozenset[str]
    name: str  # the given name on papers ("CCCD tên Nguyễn Văn Hùng" → "hung"), if any


def features(text: str) -> Features:
    raw = re.findall(r"[^\W_]+", text.lower())
    marked = any(word != fold(word) for word in raw)
    written: list[str] = []  # as typed (with diacritics if any), abbreviations spelled out
    for word in raw:
        written.extend(_ABBREVIATIONS.get(word, word).split())
    words = [fold(w) for w in written]
    types: set[str] = set()
    used: set[int] = set()
    phrases = sorted(((p, t) for t, ps in ITEM_TYPES.items() for p in ps), key=lambda pt: -len(pt[0].split()))
    for phrase, item_type in phrases:
        parts = phrase.split()
        for i in range(len(words) - len(parts) + 1):
            span = range(i, i + len(parts))
            if words[i : i + len(parts)] == parts and not used.intersection(span):
                types.add(item_type)
                used.update(span)
    colours = set()
    for i, word in enumerate(words):
        if word not in COLOURS:
            continue
        # Written with diacritics the colour is itself ("đen", not "đến"); without, only right
        # after "màu" or an item word is it surely a colour.
        if (marked and written[i] == COLOURS[word]) or (
            not marked and i > 0 and (words[i - 1] == "mau" or (i - 1) in used)
        ):
            colours.add(word)
    folded = " " + " ".join(words) + " "
    brands = {brand for brand in BRANDS if f" {brand} " in folded}
    content = {w for i, w in enumerate(words) if w not in STOPWORDS and i not in used and w not in colours}
    name = ""
    if "ten" in words:
        start = words.index("ten") + 1
        named = [w for w in raw[start : start + 4] if w[:1].isalpha()]
        # Vietnamese names are capitalised; the given name is the last capitalised word.
        capitalised = [w for w in re.findall(r"[^\W_]+", text)[start : start + 4] if w[:1].isupper()]
        name = fold(capitalised[-1]) if capitalised else (fold(named[-1]) if named else "")
    return Features(frozenset(types), frozenset(colours), frozenset(brands), frozenset(content), name)


def _types_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    if a & b:
        return True
    widen = {t for x in a for t in TYPE_FAMILIES.get(x, ())} | a
    widen_b = {t for x in b for t in TYPE_FAMILIES.get(x, ())} | b
    return bool(widen & b or widen_b & a)


def score(lost_text: str, found_text: str) -> float:
    """How alike two descriptions are, 0..1, on item type, colour, brand and other words."""
    a, b = features(lost_text), features(found_text)
    if a.types and b.types and not _types_agree(a.types, b.types):
        return 0.0
    if a.name and b.name and a.name != b.name:
        return 0.0  # papers in someone else's name
    value = 0.5 if a.types and b.types else 0.15
    if a.colours and b.colours:
        value += 0.2 if a.colours & b.colours else -0.35
    if a.brands and b.brands:
        value += 0.15 if a.brands & b.brands else -0.4
    if a.words and b.words:
        value += 0.3 * len(a.words & b.words) / len(a.words | b.words)
    return round(max(0.0, min(1.0, value)), 3)


def distance_km(a: Post, b: Post) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def compatible(a: str, b: str) -> bool:
    return b in COMPATIBLE.get(a, set()) or a in COMPATIBLE.get(b, set())


def near(a: Post, b: Post) -> bool:
    km = distance_km(a, b)
    if km is not None:
        return km <= settings.LOST_FOUND_MATCH_KM
    return a.commune == b.commune or b.commune in a.neighbours or a.commune in b.neighbours


def match_score(a: Post, b: Post) -> float | None:
    """The score of a lost/found pair that passes every gate, else None."""
    if not compatible(a.category, b.category):
        return None
    if abs((a.at - b.at).total_seconds()) > settings.LOST_FOUND_MATCH_DAYS * 86400:
        return None
    if not near(a, b):
        return None
    lost, found = (a, b) if a.category in COMPATIBLE else (b, a)
    value = score(lost.text, found.text)
    return value if value >= settings.LOST_FOUND_MATCH_THRESHOLD else None
