from datetime import timedelta

import pytest
from django.utils import timezone

from canhgiac.testing import create_officer
from channels.conftest import fake  # noqa: F401 (the local fake providers)
from duty.actions import check_add_shift, check_set_chief
from people.models import MandateRole


@pytest.fixture
def crew(world):
    """The commune's duty crew: the officer on duty now, a backup, and a chief, all police of the commune."""
    backup = create_officer(world.admin, "0901000021", "Lê Văn Dự", MandateRole.POLICE, world.commune)
    chief = create_officer(world.admin, "0901000022", "Trương Minh Trưởng", MandateRole.POLICE, world.commune)
    now = timezone.now()
    check_add_shift(
        world.officer,
        world.commune,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=10),
        officer=world.officer,
        backup=backup,
    )
    check_set_chief(world.officer, world.commune, chief)
    return type("Crew", (), {"on_duty": world.officer, "backup": backup, "chief": chief})
