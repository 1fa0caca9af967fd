import pytest


@pytest.fixture(autouse=True)
def _fresh_follow_throttle():
    from django.core.cache import cache

    cache.clear()
