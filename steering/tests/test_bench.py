"""`make bench` keeps working: the dashboard benchmark runs end to end at a small size."""

import argparse

from bench import names
from bench.__main__ import main
from bench.dashboard import add_arguments, run
from places.models import Unit
from reports.models import Report
from steering.models import Counter


def test_the_dashboard_benchmark_generates_a_province_with_reports_renders_it_and_reports_figures(db):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    options = parser.parse_args(
        ["--size", "3000", "--requests", "2", "--baseline-requests", "1", "--map-requests", "1", "--history-days", "3"]
    )
    options.conn_max_age = 0
    result = run(options)
    assert result["members"] >= 3000 and result["communes"] == 2 and result["reports"] == 3000
    assert result["dashboard_ms"]["n"] == 2 and result["baseline_live_count_ms"]["n"] == 1
    assert result["dashboard_queries"] <= 20
    assert result["reports_rollup_seconds"] is not None
    # Four in five reports have a position; the last 90 days are an eighth of two years of receipts.
    assert result["map_json_ms"]["period=all"]["total"] == 2400
    assert 250 < result["map_json_ms"]["period=90"]["total"] < 350
    province = Unit.objects.get(code="bench3000")
    reports = Report.objects.filter(unit__path__startswith=province.path)
    assert set(reports.values_list("kind", flat=True)) == {"crime", "suspicious", "public_order", "lost", "found"}
    assert reports.filter(status="received").exists() and reports.filter(status="closed").exists()
    counters = dict(Counter.objects.filter(unit=province).order_by("day").values_list("metric", "value"))
    assert counters["reports.received"] == 3000
    assert counters["reports.overdue"] > 0 and counters["reports.ack_median_s"] > 0
    assert Counter.objects.filter(unit=province, metric="reports.received").count() == 4  # today and 3 days back
    again = run(options)  # the province and its reports are generated once and reused
    assert again["generated_seconds"] is None and again["reports_generated_seconds"] is None
    assert again["members"] == result["members"] and again["reports"] == 3000


def test_the_dashboard_benchmark_can_time_the_nightly_rollup_alone(db):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    options = parser.parse_args(["--size", "2000", "--rollup-only"])
    result = run(options)
    assert result["members"] >= 2000 and result["reports"] == 2000
    assert result["rollup_seconds"] > 0 and "dashboard_ms" not in result  # no history, no page renders
    province = Unit.objects.get(code="bench2000")
    assert Counter.objects.filter(unit=province, metric="reports.received").values_list("value", flat=True)[0] == 2000
    assert not Counter.objects.filter(unit=province, day__lt=Counter.objects.filter(unit=province).latest("day").day)


def test_benchmarks_are_found_by_module_name_and_an_unknown_name_is_refused(capsys):
    assert "dashboard" in names()
    assert main(["no-such-benchmark"]) == 2
    assert "usage: python -m bench" in capsys.readouterr().err
