"""`make bench` keeps working: the dashboard benchmark runs end to end at a small size."""

import argparse

from bench import names
from bench.__main__ import main
from bench.dashboard import run


def test_the_dashboard_benchmark_generates_a_province_renders_it_and_reports_figures(db):
    options = argparse.Namespace(size=3000, requests=2, baseline_requests=1, history_days=3, conn_max_age=0)
    result = run(options)
    assert result["members"] >= 3000 and result["communes"] == 2
    assert result["dashboard_ms"]["n"] == 2 and result["baseline_live_count_ms"]["n"] == 1
    assert result["dashboard_queries"] <= 20
    again = run(options)  # the province is generated once and reused
    assert again["generated_seconds"] is None and again["members"] == result["members"]


def test_benchmarks_are_found_by_module_name_and_an_unknown_name_is_refused(capsys):
    assert "dashboard" in names()
    assert main(["no-such-benchmark"]) == 2
    assert "usage: python -m bench" in capsys.readouterr().err
