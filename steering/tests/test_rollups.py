"""The pre-aggregated counters agree with the live definitions (coverage.reach, coverage.stats)."""

from datetime import timedelta

from django.utils import timezone

from coverage.actions import check_add_household_member, check_register_household
from coverage.reach import coverage_of
from coverage.stats import groups_and_members
from groups.actions import check_add_member, check_create_group, check_leave_group
from groups.models import GroupKind
from steering.actions import do_backfill, do_rollup
from steering.models import Counter, RollupRun


def counters_of(unit, day=None) -> dict[str, int]:
    day = day or timezone.localdate()
    return dict(Counter.objects.filter(unit=unit, day=day).values_list("metric", "value"))


def test_rollups_equal_a_direct_count_for_the_province_its_communes_and_hamlets(world):
    # A person in groups of two communes counts once for the province and once in each commune.
    far_group = check_create_group(world.officer, world.commune, name="Tuần tra nhân dân", kind=GroupKind.PATROL)
    check_add_member(world.officer, far_group, world.resident)
    home = check_register_household(world.admin, world.other_rg, "Số 1")
    check_add_household_member(world.admin, home, full_name="Không nhóm", phone="0907111222")
    neighbour_rg_group = check_create_group(world.admin, world.neighbour, name="Dân quân", kind=GroupKind.CIVIL_DEFENCE)
    check_add_member(world.admin, neighbour_rg_group, world.resident)

    do_rollup(world.province)

    for unit in (world.province, world.commune, world.neighbour, world.hamlet, world.other_hamlet):
        stored = counters_of(unit)
        by_kind, members = groups_and_members(unit)
        coverage = coverage_of(unit)[0]
        assert stored.get("groups.total", 0) == sum(by_kind.values()), unit
        assert {k: v for k, v in stored.items() if k.startswith("groups.kind.")} == {
            f"groups.kind.{kind}": count for kind, count in by_kind.items()
        }
        assert stored.get("members.total", 0) == members, unit
        assert stored.get("coverage.households", 0) == coverage.households, unit
        assert stored.get("coverage.covered", 0) == coverage.covered, unit
        assert stored.get("coverage.declared", 0) == coverage.declared, unit
        assert stored.get("coverage.covered_declared", 0) == coverage.covered_declared, unit
        assert stored.get("coverage.undeclared_groups", 0) == coverage.undeclared_groups, unit
    assert counters_of(world.province)["members.total"] == 5
    assert RollupRun.objects.get(unit=world.province).finished_at is not None


def test_a_rollup_of_the_same_day_replaces_the_previous_figures(world):
    do_rollup(world.province)
    check_leave_group(world.resident, world.rg_group)
    do_rollup(world.province)
    assert counters_of(world.commune)["members.total"] == groups_and_members(world.commune)[1]
    assert Counter.objects.filter(unit=world.commune, metric="members.total").count() == 1


def test_backfilled_days_count_what_existed_then(world):
    world.rg2_group.created_at = timezone.now() - timedelta(days=10)
    world.rg2_group.save()
    # Everything else in the world was created today, so three days ago only Tổ 2's group existed.
    do_backfill(world.province, days=3)
    three_days_ago = timezone.localdate() - timedelta(days=3)
    assert counters_of(world.commune, three_days_ago) == {"groups.total": 1, "groups.kind.residential_group": 1}
    assert counters_of(world.commune)["groups.total"] == 3


def test_the_daily_command_computes_counters_snapshots_and_reminders(world):
    import json
    from io import StringIO

    from django.core.management import call_command

    world.rg2_group.created_at = timezone.now() - timedelta(days=10)
    world.rg2_group.save()
    out = StringIO()
    call_command("steering_daily", "--backfill-days", "2", stdout=out)
    result = json.loads(out.getvalue())
    assert result["counters"] > 0 and result["snapshots"] == 0 and result["reminders"] == 0
    # today and the two days before, when only Tổ 2's group existed
    assert list(
        Counter.objects.filter(unit=world.province, metric="groups.total")
        .values_list("value", flat=True)
        .order_by("day")
    ) == [1, 1, 3]
    queued = StringIO()
    call_command("steering_daily", "--enqueue", stdout=queued)
    assert queued.getvalue().startswith("Queued ")
