import pytest

from core.testing import build_world
from people.senders import MemorySender


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def _empty_code_outbox():
    MemorySender.outbox.clear()
    yield
    MemorySender.outbox.clear()
