"""Lost & found matching: only lost with found, compatible categories, near in time and place, alike
descriptions; the police see suggestions, residents hear only of a confirmed match."""

import pytest
from django.core.exceptions import PermissionDenied

from canhgiac.testing import create_report, signed_in
from reports.actions import check_confirm_match, check_mark_returned
from reports.evaluation import matching_scores
from reports.matching import score
from reports.queries import find_matches, time_to_return
from reports.tests.test_lost_found import found_buffalo


def test_on_the_labelled_pairs_precision_is_90_at_recall_70():
    scores = matching_scores()
    assert scores.examples >= 100
    assert scores.precision >= 0.9 and scores.recall >= 0.7


def test_a_black_phone_never_matches_a_brown_wallet():
    assert score("điện thoại đen", "ví da nâu") == 0
    assert score("mat dien thoai den", "nhat duoc vi da nau") == 0


def test_a_found_black_phone_is_not_suggested_for_a_lost_brown_wallet(world):
    lost = create_report(
        world.resident, world.rg, kind="lost", category="lost_item", description="Mất ví da nâu"
    ).report
    found = create_report(
        world.leader, world.rg, kind="found", category="found_item", description="Nhặt được điện thoại đen"
    ).report
    assert find_matches(found) == [] and find_matches(lost) == []


def test_a_found_post_is_not_matched_with_another_found_post(world):
    found = found_buffalo(world)
    create_report(world.resident, world.rg, kind="found", category="found_animal", description="Có con trâu đực lạc")
    assert find_matches(found) == []


def lost_buffalo(more):
    return create_report(
        more.neighbour_resident,
        more.neighbour_rg,
        kind="lost",
        category="lost_animal",
        visibility="named",
        description="Mất con trâu đực đen, dây mũi màu đỏ",
    ).report


def test_residents_are_told_only_after_an_officer_confirms_the_match(world, more):
    found = found_buffalo(world)
    lost = lost_buffalo(more)
    assert [m for m, _s in find_matches(found)] == [lost]
    assert not lost.updates.filter(event="match").exists()  # a suggestion only the police see

    check_confirm_match(world.officer, found, lost)

    found.refresh_from_db()
    lost.refresh_from_db()
    assert found.match == lost and lost.match == found and found.match_confirmed_by == world.officer
    assert found.receipt_code in lost.updates.get(event="match").text
    assert lost.receipt_code in found.updates.get(event="match").text


def test_a_resident_cannot_confirm_a_match(world, more):
    found, lost = found_buffalo(world), lost_buffalo(more)
    with pytest.raises(PermissionDenied):
        check_confirm_match(world.resident, found, lost)


def test_the_owner_claims_the_police_confirm_and_time_to_return_is_measured(world, more, client):
    found, lost = found_buffalo(world), lost_buffalo(more)
    check_confirm_match(world.officer, found, lost)
    check_mark_returned(world.officer, found, returned_to="Lê Hoàng An", counterpart=lost)
    found.refresh_from_db()
    assert found.status == "returned" and time_to_return(found) is not None


def test_the_officer_sees_suggested_matches_on_the_case_page_and_the_resident_does_not(world, more, client):
    found, lost = found_buffalo(world), lost_buffalo(more)
    signed_in(client, world.officer)
    case = client.get(f"/reports/{found.receipt_code}/case/").content.decode()
    assert lost.receipt_code in case and 'data-testid="confirm-match"' in case
    signed_in(client, world.leader)
    assert lost.receipt_code not in client.get(f"/reports/posts/{found.receipt_code}/").content.decode()
