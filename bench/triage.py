"""Triage of residents' texts: precision and recall of "urgent" on the held-out part of the labelled
corpus (reports/tests/data/triage_corpus.jsonl), and the suggested category's accuracy."""

import time


def add_arguments(parser) -> None:
    parser.add_argument("--split", default="heldout", choices=["heldout", "train"])


def run(options) -> dict:
    from reports.evaluation import triage_scores

    started = time.perf_counter()
    scores, category_accuracy = triage_scores(options.split)
    elapsed = time.perf_counter() - started
    return {
        "split": options.split,
        "examples": scores.examples,
        "precision": round(scores.precision, 3),
        "recall": round(scores.recall, 3),
        "category_accuracy": round(category_accuracy, 3),
        "ms_per_text": round(elapsed * 1000 / max(scores.examples, 1), 3),
    }
