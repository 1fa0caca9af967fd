"""Triage of what residents write: is it urgent, and which category does it look like?

Residents write everyday Vietnamese, often without diacritics and with chat abbreviations
("ko", "dc", "đag", "j", "cty", "xe sh"). Triage is a lexicon and a few rules, no model: every
decision can be explained to the officer by the words that triggered it (`Triage.reasons`).

Urgent means the police should look now (docs/reports.md "Triage"):
- a weapon (dao, súng, mã tấu…), violence (đánh, chém, đâm…), a fire (cháy, khói…) or a child at
  risk (a child word together with lạc, bắt cóc, đuối nước…), in any kind of report;
- something happening now ("đang", "ngay bây giờ", "vừa mới"…) in a crime or suspicious-activity
  report; a lost item or a noisy neighbour "đang" happening is not an emergency by itself.
Negated mentions ("không có dao", "ko ai bị đánh") do not count.

Each word is compared with diacritics when the resident wrote them, and folded when they did
not, so "đáng" (worth) never reads as "đang" (now), while "dang" (no diacritics) still does.
The labelled corpus in reports/tests/data/triage_corpus.jsonl measures it (`python -m bench triage`).
"""

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from core.text import fold

URGENT, NORMAL = "urgent", "normal"
CASE_KINDS = {"crime", "suspicious"}

# Chat abbreviations, folded, as residents type them → the folded word(s) they stand for.
ABBREVIATIONS = {
    "ko": "khong",
    "k": "khong",
    "kh": "khong",
    "hok": "khong",
    "hong": "khong",
    "khg": "khong",
    "dc": "duoc",
    "dk": "duoc",
    "đc": "duoc",
    "dag": "dang",
    "đag": "dang",
    "j": "gi",
    "bh": "bay gio",
    "bjo": "bay gio",
    "bgio": "bay gio",
    "cty": "cong ty",
    "ng": "nguoi",
    "nguoj": "nguoi",
    "vs": "voi",
    "mn": "moi nguoi",
    "trc": "truoc",
    "wa": "qua",
    "qa": "qua",
    "cs": "canh sat",
    "oto": "o to",
    "xm": "xe may",
    "dt": "dien thoai",
    "đt": "dien thoai",
    "cmnd": "cmnd",
    "cccd": "cccd",
    "lun": "luon",
}

NEGATIONS = ("không", "chưa", "chẳng", "chả", "hổng")


@dataclass(frozen=True)
class Rule:
    """Words (as written, with diacritics) that raise urgency, and why."""

    reason: str
    words: tuple[str, ...]
    kinds: frozenset[str] | None = None  # None: every kind
    # A word whose folded form is ambiguous ("dao" is also "dạo", "chay" also "chạy") counts
    # unfolded only, or folded only next to one of these folded words.
    folded_context: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    # Folded words that, right after the trigger, mean something else ("đánh bài", "chém gió").
    not_before: dict[str, set[str]] = field(default_factory=dict)
    # Folded words that, right before the trigger, mean something else ("xe đạp", "sợ cháy").
    not_after: dict[str, set[str]] = field(default_factory=dict)


RULES: tuple[Rule, ...] = (
    Rule(
        "now",
        (
            "đang",
            "ngay bây giờ",
            "bây giờ",
            "vừa mới",
            "vừa",
            "mới đây",
            "ngay lúc này",
            "lúc này",
            "hiện giờ",
            "hiện đang",
            "gấp",
            "khẩn cấp",
            "cứu",
            "kêu cứu",
            "cứu với",
            "nhanh lên",
            "tới liền",
            "đến ngay",
        ),
        kinds=frozenset(CASE_KINDS),
        not_before={"gap": {"doi", "ba", "nhieu"}},
        folded_context={
            "vua": ({"moi", "thay", "xay", "bi", "roi", "chay", "vao", "dap", "lay", "giat", "cuop", "dam"}, set()),
            "gap": ({"bao", "den", "toi", "can", "rat", "giup"}, {"bao", "can", "rat"}),
        },
    ),
    Rule(
        "weapon",
        ("dao", "súng", "mã tấu", "rựa", "dao găm", "dao phay", "gậy gộc", "bom xăng", "lựu đạn", "kiếm tự chế"),
        folded_context={
            "dao": ({"cam", "mang", "co", "dam", "chem", "rut", "cay", "phay", "gam", "thu", "bang"}, {"cam", "rut"}),
            "sung": ({"cam", "ban", "co", "mang", "tieng", "no", "hoa"}, {"ban", "cam", "tieng"}),
        },
        not_before={"dao": {"dong", "dien", "tao"}},
    ),
    Rule(
        "violence",
        (
            "đánh",
            "đánh nhau",
            "chém",
            "đâm",
            "hành hung",
            "đập",
            "cướp",
            "giật",
            "dọa giết",
            "bị thương",
            "chảy máu",
            "giết",
            "ẩu đả",
            "xô xát",
            "bạo hành",
            "hiếp",
            "bắn",
        ),
        folded_context={
            "danh": (
                {"nhau", "nguoi", "vo", "chong", "con", "dap", "chet", "bi", "hoi", "toi", "em", "anh", "ong"},
                {"bi"},
            ),
            "dam": ({"nguoi", "chet", "nhau", "bi", "dao", "trong"}, {"bi"}),
            "dap": ({"pha", "nguoi", "do", "bi", "cua", "kinh"}, {"bi"}),
            "chem": ({"nhau", "nguoi", "bi", "dao", "ma", "chet"}, {"bi"}),
            "giat": ({"do", "dien", "tui", "day", "bi", "dt", "dien thoai", "xe"}, {"bi", "cuop"}),
            "ban": ({"sung", "nguoi", "chet", "bi"}, {"bi"}),
        },
        not_before={
            "danh": {"bai", "bac", "de", "co", "rang", "thuc", "gia", "dau", "so", "ca", "sach", "du", "lo", "bong"},
            "dam": {"cuoi", "ma", "gio", "tang", "dong", "xe", "vao cot"},
            "chem": {"gio"},
            "dap": {"lua"},
            "giat": {"minh", "dien"},
        },
        not_after={"dap": {"xe"}, "danh": {"gia"}},
    ),
    Rule(
        "fire",
        ("cháy", "bốc cháy", "đám cháy", "khói", "hỏa hoạn", "nổ", "phát nổ", "cháy nổ"),
        folded_context={
            "chay": (
                {"nha", "rung", "lon", "du", "ray", "xe", "cho", "bi", "dam", "vu", "boc", "lua"},
                {"dam", "boc", "bi"},
            ),
            "khoi": ({"den", "bay", "mu", "nghi", "bo", "boc", "day"}, {"boc", "co"}),
            "no": ({"lon", "bình", "binh", "gas", "tung", "to"}, {"phat", "tieng", "bi"}),
        },
        not_before={"chay": {"tui", "hang"}, "no": {"nan", "luc", "may", "lop"}},
        not_after={"chay": {"so", "de", "chong"}, "khoi": {"xa"}, "no": {"phao", "so", "chong"}},
    ),
    Rule(
        "danger",
        (
            "lật",
            "tông người",
            "suýt tông",
            "xăng chảy",
            "xì gas",
            "rò gas",
            "điện giật",
            "đuối nước",
            "chết đuối",
            "bất tỉnh",
            "nhảy cầu",
            "nhảy sông",
            "mắc kẹt",
            "kẹt bên trong",
        ),
        folded_context={"lat": ({"xe", "ghe", "thuyen", "nhao"}, {"bi", "xe"})},
        not_before={"dien giat": {"minh"}},
    ),
)

# A report about something long past is not an emergency unless a weapon, a fire or a child is in it.
LONG_AGO = ("năm ngoái", "năm trước", "tháng trước", "tuần trước", "hôm kia", "hôm trước", "lâu rồi", "đã giải quyết")
FADES = {"now", "violence"}

CHILD_WORDS = (
    "bé",
    "cháu bé",
    "em bé",
    "trẻ",
    "trẻ em",
    "con nít",
    "đứa nhỏ",
    "học sinh",
    "bé gái",
    "bé trai",
    "con gái tôi",
    "con trai tôi",
    "thằng cu",
    "cháu tôi",
)
CHILD_AGE = 15  # "7 tuổi", "con 10 tuổi": a child word too
CHILD_RISKS = (
    "lạc",
    "mất tích",
    "bắt cóc",
    "dụ dỗ",
    "đuối nước",
    "rơi xuống",
    "bỏ rơi",
    "bạo hành",
    "xâm hại",
    "chở đi",
    "không thấy về",
    "chưa về",
    "bị đánh",
)
CHILD_ALONE = ("bắt cóc", "xâm hại")

# Folded keywords that suggest a category; the first category of the report's kind with the most
# hits is suggested (ties: order here).
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "assault": (
        "danh nhau",
        "chem",
        "dam",
        "hanh hung",
        "au da",
        "xo xat",
        "bi danh",
        "danh nguoi",
        "bao hanh",
        "ma tau",
    ),
    "theft": ("trom", "an cap", "mat cap", "lay cap", "cuop", "giat", "moc tui", "be khoa", "cay cua", "dat mat"),
    "usury": ("vay nang lai", "tin dung den", "doi no", "cho vay", "lai suat", "xiet no", "nem son", "nem mam tom"),
    "fraud": ("lua dao", "gia danh", "mao danh", "chuyen khoan", "chiem doat", "trung thuong", "link", "otp", "hack"),
    "drugs": ("ma tuy", "chich", "hang da", "thuoc lac", "bay lac", "can sa", "heroin", "ke", "hit"),
    "gambling": ("co bac", "danh bai", "danh bac", "so de", "ca do", "da ga", "ga da", "lo de", "xoc dia"),
    "other_crime": (),
    "suspicious_gathering": ("tu tap", "nhom thanh nien", "tap trung", "nhom nguoi", "bay ban"),
    "suspicious_vehicle": ("xe la", "khong bien so", "chay vong", "xe tai", "o to la", "dau xe", "xe ban tai"),
    "suspicious_person": ("la mat", "kha nghi", "dom ngo", "nguoi la", "rinh", "lang vang", "doi tuong"),
    "illegal_ads": ("to roi", "dan quang cao", "quang cao", "to buom", "dan len cot"),
    "noise": ("karaoke", "on ao", "loa", "hat", "nhau nhet", "on qua"),
    "traffic": ("dua xe", "lang lach", "boc dau", "tai nan", "vuot den", "nep", "phong nhanh"),
    "fire_risk": ("chay", "khoi", "chap dien", "binh gas", "xang", "dot rac", "no"),
    "other_order": (),
    "lost_animal": ("trau", "bo", "cho", "meo", "de", "heo", "ga", "vit"),
    "lost_vehicle": (
        "xe may",
        "xe dap",
        "xe sh",
        "wave",
        "dream",
        "exciter",
        "vision",
        "air blade",
        "bien so",
        "xe dien",
    ),
    "lost_item": ("vi", "bop", "dien thoai", "giay to", "cccd", "cmnd", "chia khoa", "tui", "the", "bang lai"),
}
KIND_CATEGORIES = {
    "crime": ("assault", "theft", "usury", "fraud", "drugs", "gambling", "other_crime"),
    "suspicious": ("suspicious_gathering", "suspicious_vehicle", "suspicious_person"),
    "public_order": ("illegal_ads", "noise", "traffic", "fire_risk", "other_order"),
    "lost": ("lost_animal", "lost_vehicle", "lost_item"),
    "found": ("lost_animal", "lost_vehicle", "lost_item"),
}
FOUND_CODE = {"lost_animal": "found_animal", "lost_vehicle": "found_vehicle", "lost_item": "found_item"}
FALLBACK = {"crime": "other_crime", "suspicious": "suspicious_person", "public_order": "other_order"}


@dataclass(frozen=True)
class Triage:
    urgency: str
    reasons: list[str]
    suggested_category: str

    @property
    def is_urgent(self) -> bool:
        return self.urgency == URGENT


@dataclass(frozen=True)
class Token:
    written: str  # lower-case, with the diacritics the resident typed (if any)
    folded: str
    # The resident types diacritics elsewhere in the text, so this word means what it spells:
    # "dao" is a knife, not a "dạo" typed without marks.
    exact: bool = False

    @property
    def has_marks(self) -> bool:
        return self.exact or self.written != self.folded


def tokens_of(text: str) -> list[Token]:
    """Words of the text, abbreviations expanded ("đag" → "đang" folded as "dang")."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text.lower()))
    marked = any(word != fold(word) for word in words if word not in ABBREVIATIONS)
    out: list[Token] = []
    for word in words:
        expansion = ABBREVIATIONS.get(word)  # as typed: "cá" (fish) is not an abbreviation
        if expansion:
            out.extend(Token(part, part) for part in expansion.split())
        else:
            out.append(Token(word, fold(word), exact=marked))
    return out


def _phrase_at(tokens: list[Token], i: int, phrase: str) -> bool:
    """The phrase starts at token i: words written with diacritics must equal it exactly,
    words written without must equal it folded."""
    parts = _parts(phrase)
    if i + len(parts) > len(tokens):
        return False
    for token, (written, folded) in zip(tokens[i : i + len(parts)], parts, strict=True):
        if token.has_marks:
            if token.written != written:
                return False
        elif token.folded != folded:
            return False
    return True


@functools.cache
def _parts(phrase: str) -> tuple[tuple[str, str], ...]:
    return tuple((part, fold(part)) for part in unicodedata.normalize("NFC", phrase).split())


@functools.cache
def _by_first_word(phrases: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The phrases by their first word folded, in their order. A phrase can start only at a token
    whose folded form is that word (a word with diacritics equal to it folds equal too), so each
    token of a text is compared with the few phrases that can start there, not with every one."""
    index: dict[str, list[str]] = {}
    for phrase in phrases:
        index.setdefault(_parts(phrase)[0][1], []).append(phrase)
    return {first: tuple(found) for first, found in index.items()}


def _phrases_at(tokens: list[Token], i: int, phrases: tuple[str, ...]) -> list[str]:
    """Those of `phrases` that start at token i, in their order."""
    return [p for p in _by_first_word(phrases).get(tokens[i].folded, ()) if _phrase_at(tokens, i, p)]


@functools.cache
def _longest_first(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(phrases, key=lambda p: -len(p.split())))


# "chả" folds to "cha" (a father), so it is not taken for a negation.
_NEGATING = tuple(word for word in NEGATIONS if fold(word) != "cha")


def _negated(tokens: list[Token], i: int) -> bool:
    start = max(0, i - 3)
    return any(_phrases_at(tokens, j, _NEGATING) for j in range(start, i))


def _in_context(tokens: list[Token], i: int, length: int, context: tuple[set[str], set[str]]) -> bool:
    after_words, before_words = context
    nxt = {t.folded for t in tokens[i + length : i + length + 2]}
    prev = {t.folded for t in tokens[max(0, i - 2) : i]}
    return bool(nxt & after_words) or bool(prev & before_words)


def _rule_hits(rule: Rule, tokens: list[Token]) -> list[str]:
    hits = []
    for i, token in enumerate(tokens):
        for phrase in _phrases_at(tokens, i, _longest_first(rule.words)):
            length = len(phrase.split())
            key = fold(phrase)
            following = " ".join(t.folded for t in tokens[i + length : i + length + 2])
            blocked = rule.not_before.get(key, set())
            if any(following == b or following.startswith(b + " ") for b in blocked):
                break
            preceding = {t.folded for t in tokens[max(0, i - 1) : i]}
            if preceding & rule.not_after.get(key, set()):
                break
            context = rule.folded_context.get(key) if length == 1 and not token.has_marks else None
            if context is not None and not _in_context(tokens, i, length, context):
                break
            if _negated(tokens, i):
                break
            hits.append(" ".join(t.written for t in tokens[i : i + length]))
            break
    return hits


def _child_hits(tokens: list[Token]) -> list[str]:
    def found(phrases) -> list[str]:
        return [
            " ".join(t.written for t in tokens[i : i + len(p.split())])
            for i in range(len(tokens))
            for p in _phrases_at(tokens, i, phrases)
            if not _negated(tokens, i)
        ]

    alone = found(CHILD_ALONE)
    if alone:
        return alone
    ages = [
        f"{a.written} {b.written}"
        for a, b in itertools.pairwise(tokens)
        if a.written.isdigit() and int(a.written) <= CHILD_AGE and b.folded == "tuoi"
    ]
    children, risks = found(CHILD_WORDS) + ages, found(CHILD_RISKS)
    return [children[0], risks[0]] if children and risks else []


def suggest_category(tokens: list[Token], kind: str, category: str = "") -> str:
    folded = " " + " ".join(t.folded for t in tokens) + " "
    codes = KIND_CATEGORIES.get(kind) or tuple(c for codes in KIND_CATEGORIES.values() for c in codes)
    best, best_hits = "", 0
    for code in codes:
        hits = sum(1 for word in CATEGORY_WORDS.get(code, ()) if f" {word} " in folded)
        if hits > best_hits:
            best, best_hits = code, hits
    if not best:
        best = category or FALLBACK.get(kind, "lost_item")
    if kind == "found":
        best = FOUND_CODE.get(best, best)
    return best


def triage_text(text: str, kind: str, category: str = "") -> Triage:
    """Urgency, the words that triggered it, and a suggested category for a resident's text."""
    tokens = tokens_of(text)
    reasons: list[str] = []
    long_ago = any(_phrases_at(tokens, i, LONG_AGO) for i in range(len(tokens)))
    for rule in RULES:
        if (rule.kinds is not None and kind not in rule.kinds) or (long_ago and rule.reason in FADES):
            continue
        reasons.extend(f"{rule.reason}: {hit}" for hit in _rule_hits(rule, tokens))
    reasons.extend(f"child: {hit}" for hit in _child_hits(tokens))
    reasons = list(dict.fromkeys(reasons))
    return Triage(URGENT if reasons else NORMAL, reasons, suggest_category(tokens, kind, category))


def triage_report(report) -> Triage:
    return triage_text(" ".join(filter(None, [report.description, report.behaviour])), report.kind, report.category)


def stored_triage(report) -> Triage:
    """The triage stored at intake (a report filed before triage existed is triaged now)."""
    if report.triage_urgency:
        return Triage(report.triage_urgency, list(report.triage_reasons), report.triage_category)
    return triage_report(report)


def report_is_urgent(report) -> bool:
    """What the duty alerts (and the other urgent paths) ask: did triage find this report urgent?"""
    return stored_triage(report).is_urgent
