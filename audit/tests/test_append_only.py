import pytest

from audit.actions import record
from audit.models import AppendOnlyError, AuditEvent


@pytest.fixture
def event(world):
    return record(world.officer, "test.recorded", world.commune, unit=world.commune, reason="Kiểm tra")


def test_an_event_cannot_be_saved_again(event):
    event.reason = "Sửa"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_a_queryset_update_is_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="Sửa")
    assert AuditEvent.objects.get(pk=event.pk).reason == "Kiểm tra"


def test_a_queryset_delete_is_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_bulk_update_is_refused(event):
    event.reason = "Sửa"
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["reason"])
    assert AuditEvent.objects.get(pk=event.pk).reason == "Kiểm tra"


def test_new_events_are_still_appended(event, world):
    record(world.officer, "test.recorded", world.commune, reason="Lần hai")
    assert AuditEvent.objects.filter(verb="test.recorded").count() == 2
