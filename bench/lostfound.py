"""Lost & found matching: precision and recall of suggested matches on the labelled pairs
(reports/tests/data/lostfound_pairs.json) at the configured threshold, and at a few others."""

from django.test import override_settings


def add_arguments(parser) -> None:
    parser.add_argument("--sweep", action="store_true", help="also score thresholds 0.3 to 0.7")


def run(options) -> dict:
    from django.conf import settings

    from reports.evaluation import matching_scores

    scores = matching_scores()
    result: dict[str, object] = {
        "pairs": scores.examples,
        "threshold": settings.LOST_FOUND_MATCH_THRESHOLD,
        "precision": round(scores.precision, 3),
        "recall": round(scores.recall, 3),
    }
    if options.sweep:
        sweep = {}
        for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
            with override_settings(LOST_FOUND_MATCH_THRESHOLD=threshold):
                at = matching_scores()
            sweep[str(threshold)] = {"precision": round(at.precision, 3), "recall": round(at.recall, 3)}
        result["sweep"] = sweep
    return result
