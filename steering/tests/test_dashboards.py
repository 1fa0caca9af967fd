"""Dashboards read the stored counters: figures, charts, communes, directives; scoped to officers."""

from datetime import timedelta

import pytest
from django.test import Client

from canhgiac.testing import create_directive, signed_in
from groups.models import GroupKind
from steering.actions import do_daily
from steering.dashboards import build
from steering.metrics import Declared, History, Undeclared, providers
from steering.models import Counter, TargetLevel


@pytest.fixture
def rolled_up(world):
    directive = create_directive(
        world.province_officer,
        world.province,
        [(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP)],
        title="Mỗi tổ dân cư phải có nhóm",
    )
    do_daily()
    world.directive = directive
    return world


def test_the_province_dashboard_shows_stored_figures_communes_charts_and_directive_progress(rolled_up, client):
    world = rolled_up
    response = signed_in(client, world.province_officer).get(f"/steering/u/{world.province.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-metric="groups.total">3<' in html
    assert 'data-metric="members.total">5<' in html
    assert 'data-metric="coverage.households">2<' in html
    assert "Xã Cầu Khởi" in html and "Xã Dương Minh Châu" in html
    assert "Mỗi tổ dân cư phải có nhóm" in html
    assert 'data-chart="groups_members"' in html and "<svg" in html
    assert "2 đạt" in html  # two of the commune's three residential groups have a group, in Vietnamese


def test_a_dashboard_page_makes_the_same_few_queries_however_many_units_it_lists(
    rolled_up, client, django_assert_max_num_queries
):
    signed_in(client, rolled_up.province_officer)
    # 21: the cards, tables and directives, the session and person, and one for the live duty notice.
    with django_assert_max_num_queries(21):
        client.get(f"/steering/u/{rolled_up.province.code}/")


def test_charts_over_time_keep_their_past_days(rolled_up):
    today = Counter.objects.filter(unit=rolled_up.province).latest("day").day
    yesterday = today - timedelta(days=1)
    Counter.objects.bulk_create(
        [
            Counter(unit=rolled_up.province, day=yesterday, metric="members.total", value=4),
            Counter(unit=rolled_up.province, day=yesterday, metric="groups.total", value=2),
        ]
    )
    dashboard = build(rolled_up.province)
    members_over_time = next(chart for chart, _svg in dashboard.charts if chart.key == "groups_members")
    assert members_over_time.series[0][1] == [(yesterday, 4), (today, 5)]
    assert members_over_time.series[1][1] == [(yesterday, 2), (today, 3)]


def test_a_chart_over_time_of_a_metric_its_provider_did_not_declare_fails_loudly():
    history = History([], over_time={"members.total"})
    assert history.series("members.total") == []
    with pytest.raises(Undeclared, match="history_metrics"):
        history.series("reports.received")


def test_every_provider_declares_what_its_summary_and_charts_read(rolled_up):
    unit = rolled_up.province
    today = Counter.objects.filter(unit=unit).latest("day").day
    latest = dict(Counter.objects.filter(unit=unit, day=today).values_list("metric", "value"))
    history = History(Counter.objects.filter(unit=unit).values_list("day", "metric", "value"))
    for provider in providers():
        declared = Declared(latest, provider.summary_metrics)
        assert provider.summary(declared) == provider.summary(latest), provider.slug
        over_time = History(
            Counter.objects.filter(unit=unit).values_list("day", "metric", "value"), provider.history_metrics
        )
        assert provider.charts(over_time, latest) == provider.charts(history, latest), provider.slug


def test_the_table_of_communes_escapes_their_names(rolled_up):
    rolled_up.commune.name = 'Xã <b onmouseover="x()">Cầu & Khởi</b>'
    rolled_up.commune.save()
    rows = build(rolled_up.province).children_rows
    assert "Xã &lt;b onmouseover=&quot;x()&quot;&gt;Cầu &amp; Khởi&lt;/b&gt;" in rows and "<b " not in rows


def test_a_summary_reading_a_metric_its_provider_did_not_declare_fails_loudly():
    values = Declared({"members.total": 5, "reports.open": 2}, {"members.total"})
    assert values.get("members.total", 0) == 5
    with pytest.raises(Undeclared, match="summary_metrics"):
        values.get("reports.open", 0)  # not a silent 0 in the table of communes


def test_before_any_rollup_the_dashboard_says_so(world, client):
    response = signed_in(client, world.officer).get(f"/steering/u/{world.commune.code}/")
    assert response.status_code == 200
    assert "Chưa có số liệu" in response.content.decode()


def test_asking_for_fresh_figures_recomputes_the_province(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, world.officer).post(f"/steering/u/{world.commune.code}/refresh/")
    assert response.status_code == 302
    page = client.get(f"/steering/u/{world.commune.code}/").content.decode()
    assert 'data-metric="members.total">5<' in page


def test_the_commune_dashboard_lists_its_hamlets(rolled_up, client):
    html = signed_in(client, rolled_up.officer).get(f"/steering/u/{rolled_up.commune.code}/").content.decode()
    assert "Ấp Phước Hội" in html and "Ấp Phước Lễ" in html


def test_the_steering_link_takes_an_officer_with_one_unit_straight_to_its_dashboard(world, client):
    response = signed_in(client, world.officer).get("/steering/")
    assert response.status_code == 302 and response["Location"] == f"/steering/u/{world.commune.code}/"


def test_the_map_endpoint_gives_the_contract_with_units_and_no_invented_points(rolled_up, client, settings):
    settings.MAP_TILE_URL = ""
    data = signed_in(client, rolled_up.officer).get(f"/steering/u/{rolled_up.commune.code}/map.json").json()
    assert data["unit"] == {"code": rolled_up.commune.code, "name": "Xã Cầu Khởi"}
    assert data["tiles"]["url"] == ""
    assert [(layer["key"], layer["points"]) for layer in data["layers"]] == [("reports", [])]
    assert {u["name"]: (u["groups"], u["members"]) for u in data["unlocated"]} == {
        "Ấp Phước Hội": (3, 5),
        "Ấp Phước Lễ": (0, 0),
    }


def test_a_registered_map_layer_shows_its_points_to_the_officer(world, client):
    from steering.mapdata import MapLayer, Point, Points, register_layer, unregister_layer

    class Landmarks(MapLayer):
        key, title = "landmarks", "Landmarks"

        def points(self, unit, viewer, params):
            return Points([Point(11.27, 106.23, "Cầu Khởi", kind="landmark")], total=1)

    register_layer(Landmarks())
    try:
        data = signed_in(client, world.officer).get(f"/steering/u/{world.commune.code}/map.json").json()
    finally:
        unregister_layer("landmarks")
    assert data["layers"][-1] == {
        "key": "landmarks",
        "title": "Landmarks",
        "points": [{"lat": 11.27, "lng": 106.23, "title": "Cầu Khởi", "url": "", "kind": "landmark"}],
        "total": 1,
        "unlocated": 0,
        "filters": {},
        "legend": [],
    }


def test_the_map_page_loads_vendored_leaflet_and_no_cdn(world, client):
    html = signed_in(client, world.officer).get(f"/steering/u/{world.commune.code}/map/").content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html and "markercluster" in html
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_a_client_without_session_is_sent_to_sign_in(world):
    response = Client().get(f"/steering/u/{world.province.code}/")
    assert response.status_code == 302 and "/signin/" in response["Location"]


def test_figures_group_thousands_the_vietnamese_way_and_the_english_way():
    from django.utils import translation

    from steering.templatetags.steering import figure

    with translation.override("vi"):
        assert (figure(1850), figure(81.8, True), figure(None)) == ("1.850", "81,8%", "—")
    with translation.override("en"):
        assert (figure(1850), figure(81.8, True)) == ("1,850", "81.8%")


def test_opening_a_dashboard_on_old_figures_queues_one_recompute_of_the_province(
    world, client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from steering.actions import do_request_fresh_figures
    from steering.models import RollupRun

    signed_in(client, world.officer)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        client.get(f"/steering/u/{world.commune.code}/")
    assert len(queued) == 1  # no figures at all: computed now (the test queue runs tasks at once)
    assert 'data-metric="members.total">5<' in client.get(f"/steering/u/{world.commune.code}/").content.decode()

    with django_capture_on_commit_callbacks() as queued:
        signed_in(client, world.province_officer).get(f"/steering/u/{world.province.code}/")
    assert queued == []  # fresh figures of the same province: nothing to do

    two_hours_ago = timezone.now() - timedelta(hours=2)
    RollupRun.objects.filter(unit=world.province).update(finished_at=two_hours_ago, requested_at=two_hours_ago)
    with django_capture_on_commit_callbacks() as queued:
        assert do_request_fresh_figures(world.commune) is True
        assert do_request_fresh_figures(world.province) is False  # already asked for: one at a time
    assert len(queued) == 1


def test_fresh_figures_also_snapshot_todays_compliance_of_the_provinces_directives(
    world, client, django_capture_on_commit_callbacks
):
    from steering.models import ComplianceSnapshot

    create_directive(
        world.province_officer, world.province, [(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(client, world.province_officer).post(f"/steering/u/{world.province.code}/refresh/")
    snapshot = ComplianceSnapshot.objects.get(commune=world.commune)
    assert (snapshot.total, snapshot.met) == (3, 2)


def test_the_map_names_located_units_at_their_place_and_lists_the_others(rolled_up, client):
    for unit, (lat, lng) in ((rolled_up.commune, (11.26, 106.247)), (rolled_up.hamlet, (11.264, 106.238))):
        unit.latitude, unit.longitude = lat, lng
        unit.save()
    rolled_up.rg.latitude, rolled_up.rg.longitude = 11.2665, 106.2395
    rolled_up.rg.save()
    data = signed_in(client, rolled_up.officer).get(f"/steering/u/{rolled_up.commune.code}/map.json").json()
    assert data["labels"] == [
        {"code": rolled_up.commune.code, "name": "Xã Cầu Khởi", "lat": 11.26, "lng": 106.247, "minor": False},
        {"code": rolled_up.hamlet.code, "name": "Ấp Phước Hội", "lat": 11.264, "lng": 106.238, "minor": False},
        {"code": rolled_up.rg.code, "name": "Tổ 1", "lat": 11.2665, "lng": 106.2395, "minor": True},
    ]
    assert [unit["name"] for unit in data["unlocated"]] == ["Ấp Phước Lễ"]
    # A province names its communes, not every hamlet of them.
    province = signed_in(client, rolled_up.province_officer).get(f"/steering/u/{rolled_up.province.code}/map.json")
    assert [label["name"] for label in province.json()["labels"]] == ["Xã Cầu Khởi"]
