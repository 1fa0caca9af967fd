import io

import pytest
from django.core.management import call_command

from bulletins.models import Bulletin, BulletinStatus
from delivery.reach import reach

pytestmark = pytest.mark.django_db


def test_the_demo_has_published_bulletins_with_realistic_reach():
    call_command("seed_demo", stdout=io.StringIO())

    published = Bulletin.objects.filter(status=BulletinStatus.PUBLISHED)
    assert published.count() >= 4
    assert Bulletin.objects.filter(status=BulletinStatus.SCHEDULED).exists()
    assert published.filter(reshared_post__isnull=False, official=False).exists()
    for bulletin in published:
        assert bulletin.notice is not None
        figures = reach(bulletin.notice)
        assert figures.recipients > 1000  # about 1,500 members in the commune, as in the article
        assert 0 < figures.read < figures.recipients
        assert figures.relayed > 0 and figures.relay_pending > 0
        assert figures.failed == 2 and figures.failure_reasons
