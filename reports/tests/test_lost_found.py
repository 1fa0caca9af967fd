"""Lost & found: matching, sharing across communes, returning; urgent alerts on group pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from canhgiac.testing import create_report
from core.errors import ActionError
from reports.actions import check_cancel_alert, check_mark_returned, check_raise_alert, check_share
from reports.actions.intake import WarningsNeedConfirmation
from reports.models import Report, UrgentAlert
from reports.queries import active_alerts_for, find_matches, lost_found_for, time_to_return


def found_buffalo(world):
    return create_report(
        world.leader,
        world.rg,
        kind="found",
        category="found_animal",
        visibility="named",
        description="Một con trâu đực đi lạc vào ruộng ấp Phước Hội, có dây mũi màu đỏ",
    ).report


def test_a_lost_post_in_the_neighbouring_commune_matches_the_found_buffalo(world, more):
    found = found_buffalo(world)
    lost = create_report(
        more.neighbour_resident,
        more.neighbour_rg,
        kind="lost",
        category="lost_animal",
        description="Mất con trâu đực, dây mũi đỏ",
    ).report
    create_report(world.resident, world.rg, kind="lost", category="lost_item", description="Mất ví")
    assert [m for m, _s in find_matches(found)] == [lost]
    assert [m for m, _s in find_matches(lost)] == [found]


def test_posts_far_away_or_long_ago_do_not_match(world):
    found = found_buffalo(world)
    far = create_report(
        world.far_officer,
        world.far_commune,
        kind="lost",
        category="lost_animal",
        intake_channel="walk_in",
        reporter_name="X",
        description="Mất trâu",
    ).report
    old = create_report(world.resident, world.rg, kind="lost", category="lost_animal", description="Mất trâu").report
    Report.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=30))
    matches = [m for m, _s in find_matches(found)]
    assert far not in matches and old not in matches


def test_a_found_post_is_seen_first_by_its_hamlets_groups(world, more):
    found = found_buffalo(world)
    assert found in lost_found_for(world.rg)
    assert found in lost_found_for(world.rg2)
    assert found in lost_found_for(world.hamlet)
    assert found not in lost_found_for(world.other_rg)
    assert found not in lost_found_for(more.neighbour_rg)


def test_the_steering_committee_shares_it_to_the_commune_and_its_neighbour(world, more):
    found = found_buffalo(world)
    check_share(world.steering, found, [world.commune, world.neighbour])
    assert found in lost_found_for(world.other_rg)
    assert found in lost_found_for(more.neighbour_rg)
    assert found.updates.filter(event="shared").exists()


def test_a_post_cannot_be_shared_to_a_commune_that_is_not_a_neighbour(world):
    with pytest.raises(ActionError):
        check_share(world.steering, found_buffalo(world), [world.far_commune])


def test_residents_cannot_share_posts(world):
    with pytest.raises(PermissionDenied):
        check_share(world.resident, found_buffalo(world), [world.commune])


def test_returned_closes_the_post_everywhere_with_its_counterpart_and_time_to_return(world, more):
    found = found_buffalo(world)
    lost = create_report(
        more.neighbour_resident, more.neighbour_rg, kind="lost", category="lost_animal", description="Mất trâu"
    ).report
    check_share(world.steering, found, [world.commune, world.neighbour])
    Report.objects.filter(pk=found.pk).update(received_at=timezone.now() - timedelta(hours=2, minutes=5))
    found.refresh_from_db()
    check_mark_returned(world.steering, found, returned_to="Lê Hoàng An", counterpart=lost)
    found.refresh_from_db()
    lost.refresh_from_db()
    assert found.status == lost.status == "returned"
    returned_after = time_to_return(found)
    assert returned_after is not None and timedelta(hours=2) < returned_after < timedelta(hours=2, minutes=10)
    for unit in (world.rg, world.other_rg, more.neighbour_rg):
        assert found not in lost_found_for(unit)


def test_the_finder_can_mark_their_own_post_returned(world):
    found = found_buffalo(world)
    check_mark_returned(world.leader, found, returned_to="chủ trâu")
    assert Report.objects.get(pk=found.pk).status == "returned"


def test_an_urgent_alert_reaches_every_group_under_the_unit_until_it_expires(world):
    alert = check_raise_alert(world.officer, world.hamlet, "Đối tượng lạ đi xe máy không biển số vừa vào ấp", hours=2)
    assert alert in active_alerts_for(world.rg) and alert in active_alerts_for(world.hamlet)
    assert alert not in active_alerts_for(world.other_rg) and alert not in active_alerts_for(world.commune)
    UrgentAlert.objects.filter(pk=alert.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert alert not in active_alerts_for(world.rg)


def test_a_withdrawn_alert_disappears(world):
    alert = check_raise_alert(world.officer, world.hamlet, "Cảnh báo")
    check_cancel_alert(world.officer, alert)
    assert alert not in active_alerts_for(world.rg)


def test_residents_cannot_raise_alerts(world):
    with pytest.raises(PermissionDenied):
        check_raise_alert(world.resident, world.hamlet, "Cảnh báo")


def test_an_alert_with_a_phone_number_warns_before_it_reaches_groups(world):
    with pytest.raises(WarningsNeedConfirmation):
        check_raise_alert(world.officer, world.hamlet, "Ai thấy gọi 0912345678")
    assert not UrgentAlert.objects.exists()
    assert check_raise_alert(world.officer, world.hamlet, "Ai thấy gọi 0912345678", confirm_warnings=True)


@pytest.mark.parametrize(("text", "hours"), [("", 6), ("x" * 501, 6), ("ok", 0), ("ok", 73)])
def test_bad_alerts_are_refused(world, text, hours):
    with pytest.raises(ActionError):
        check_raise_alert(world.officer, world.hamlet, text, hours=hours)


def test_the_steering_committee_writes_to_the_finder_as_the_steering_committee(world):
    from reports.actions import check_post_message

    found = found_buffalo(world)
    message = check_post_message(found, "Chủ trâu đã liên hệ", actor=world.steering, as_reporter=False)
    assert message.side == "steering"
