"""Adding a channel type touches one folder and one setting: nothing else has to know about it."""

import sys
import types

import pytest

from channels.actions import check_add_channel
from channels.base import SendResult
from channels.registry import ChannelType, channel_types
from delivery.actions import check_set_channels
from delivery.engine import drain
from delivery.models import Delivery, DeliveryStatus
from delivery.notify import notify


class PigeonType(ChannelType):
    slug = "pigeon"
    label = "Bồ câu đưa thư"
    rate_per_minute = 5

    def __init__(self):
        self.sent = []

    def send(self, config, message):
        self.sent.append((config.unit.code, message.address, message.subject))
        return SendResult(f"pigeon-{len(self.sent)}")


@pytest.fixture
def pigeon(monkeypatch, settings):
    """channels/types/pigeon/type.py, as a new folder would provide it, and its CHANNEL_TYPES entry."""
    package, module = types.ModuleType("channels.types.pigeon"), types.ModuleType("channels.types.pigeon.type")
    vars(module)["TYPE"] = PigeonType()
    monkeypatch.setitem(sys.modules, "channels.types.pigeon", package)
    monkeypatch.setitem(sys.modules, "channels.types.pigeon.type", module)
    settings.CHANNEL_TYPES = [*settings.CHANNEL_TYPES, "pigeon"]
    return module.TYPE


def test_a_new_type_in_its_folder_and_channel_types_is_configured_and_delivers_bulletins(world, pigeon):
    assert channel_types()["pigeon"].label == "Bồ câu đưa thư"
    assert channel_types()["pigeon"].effective_rate_per_minute() == 5
    check_add_channel(world.admin, world.commune, "pigeon", {})
    check_set_channels(world.resident, world.resident, [("pigeon", "chuồng-7")])
    notice = notify([world.resident.pk], subject="Cảnh báo trộm chó", body="Đêm qua ở ấp Phước Hội.")

    drain(budget_seconds=10)

    delivery = Delivery.objects.get(notice=notice, person=world.resident)
    assert (delivery.channel, delivery.status) == ("pigeon", DeliveryStatus.DELIVERED)
    assert pigeon.sent == [(world.commune.code, "chuồng-7", "Cảnh báo trộm chó")]


def test_a_type_left_out_of_channel_types_is_not_a_delivery_channel(settings):
    settings.CHANNEL_TYPES = ["telegram"]

    assert [slug for slug in channel_types() if slug not in {"web", "email"}] == ["telegram"]
    assert list(channel_types()) == ["web", "telegram"]  # the web inbox ends every chain, listed or not
