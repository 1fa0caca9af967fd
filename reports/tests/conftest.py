import pytest

from core.testing import extend_with_neighbour


@pytest.fixture
def more(world):
    return extend_with_neighbour(world)
