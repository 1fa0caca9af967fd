import pytest

from canhgiac.testing import extend_with_neighbour
from channels.conftest import fake  # noqa: F401 (the local fake providers, for the chat tests)


@pytest.fixture
def more(world):
    return extend_with_neighbour(world)


@pytest.fixture(autouse=True)
def _fresh_follow_throttle():
    """Wrong-secret attempts are counted in the cache; each test starts from zero."""
    from django.core.cache import cache

    cache.clear()


# The chat fixtures (a resident writing to the commune's Zalo OA), for every chat test module.
from reports.tests.test_chat import linked, zalo  # noqa: E402, F401
