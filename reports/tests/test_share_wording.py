"""A lost & found post shared by the police is told to its reporter as the police's share."""

from canhgiac.testing import create_report
from delivery.models import Delivery
from reports.actions import check_share


def found_buffalo(world):
    return create_report(
        world.leader, world.rg, kind="found", category="found_animal", visibility="named", description="Trâu đi lạc"
    ).report


def test_a_police_share_is_told_as_the_commune_police(world, more):
    found = found_buffalo(world)
    check_share(world.officer, found, [world.commune, world.neighbour])
    update = found.updates.get(event__startswith="shared")
    assert update.event == "shared_by_police"
    assert update.text.startswith("Công an xã đã chia sẻ tin của bạn") and "Ban điều hành" not in update.text
    assert Delivery.objects.filter(person=world.leader, notice__body=update.text).exists()


def test_a_steering_share_is_told_as_the_steering_committee(world, more):
    found = found_buffalo(world)
    check_share(world.steering, found, [world.commune])
    assert found.updates.get(event__startswith="shared").text.startswith("Ban điều hành đã chia sẻ tin của bạn")
