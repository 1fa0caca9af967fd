"""How well triage and lost & found matching do on the labelled sets kept in the tests
(reports/tests/data/): the figures `python -m bench triage|lostfound` prints and the tests assert."""

import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "tests" / "data"
TRIAGE_CORPUS = DATA / "triage_corpus.jsonl"


@dataclass(frozen=True)
class Scores:
    examples: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


def score(pairs: list[tuple[bool, bool]]) -> Scores:
    """(predicted, labelled) pairs → precision and recall of the positive class."""
    return Scores(
        examples=len(pairs),
        true_positives=sum(1 for p, y in pairs if p and y),
        false_positives=sum(1 for p, y in pairs if p and not y),
        false_negatives=sum(1 for p, y in pairs if y and not p),
    )


def triage_corpus(split: str) -> list[dict]:
    """The labelled triage examples of one split: "train" (used to write the lexicon) or
    "heldout" (every third line, fixed in the file, never used for tuning)."""
    rows = [json.loads(line) for line in TRIAGE_CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if row["split"] == split]


def triage_scores(split: str = "heldout") -> tuple[Scores, float]:
    """Precision/recall of "urgent", and how often the suggested category is the labelled one."""
    from reports.triage import triage_text

    rows = triage_corpus(split)
    results = [(triage_text(row["text"], row["kind"]), row) for row in rows]
    categories = sum(1 for triage, row in results if triage.suggested_category == row["category"])
    return score([(triage.is_urgent, row["urgent"]) for triage, row in results]), categories / len(rows)


LOST_FOUND_PAIRS = DATA / "lostfound_pairs.json"
# The communes of the labelled pairs: A and B are neighbours, C is far from both.
PAIR_NEIGHBOURS = {"A": frozenset({"B"}), "B": frozenset({"A"}), "C": frozenset()}


def lost_found_pairs() -> list[dict]:
    return json.loads(LOST_FOUND_PAIRS.read_text(encoding="utf-8"))["pairs"]


def _post(side: dict):
    from datetime import UTC, datetime, timedelta

    from reports.matching import Post

    return Post(
        category=side["category"],
        text=side["text"],
        at=datetime(2019, 8, 28, 8, tzinfo=UTC) + timedelta(days=side["day"]),
        commune=side["commune"],
        neighbours=PAIR_NEIGHBOURS[side["commune"]],
        latitude=side.get("lat"),
        longitude=side.get("lon"),
    )


def matching_scores() -> Scores:
    """Precision/recall of suggested matches on the labelled lost/found pairs, at the configured
    threshold and gates (LOST_FOUND_MATCH_*)."""
    from reports.matching import match_score

    pairs = lost_found_pairs()
    return score([(match_score(_post(p["lost"]), _post(p["found"])) is not None, p["match"]) for p in pairs])
