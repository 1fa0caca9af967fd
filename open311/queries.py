"""What Open311 reads: reports as service requests, with what each request shows fetched with the list."""

from django.db.models import Q, QuerySet

from api.models import ApiKey
from reports.categories import PUBLIC_KINDS
from reports.models import Report
from reports.permissions import queue_q


def service_requests() -> QuerySet[Report]:
    """Reports with their unit, the report they were merged into and their photos: a list of
    service requests costs three queries with the communes (places.queries.communes_of)."""
    return Report.objects.select_related("unit", "merged_into").prefetch_related("photos")


def visible_requests(api_key: ApiKey | None) -> QuerySet[Report]:
    """What a GET may list: public-order problems and lost & found for everyone; crime tips and
    suspicious activity only with a police key, and only those of its unit and the units below
    (the same rule as an officer's queue, reports.permissions.queue_q)."""
    visible = Q(kind__in=list(PUBLIC_KINDS))
    if api_key is not None and api_key.person is not None:
        visible |= queue_q(api_key.person)
    return service_requests().filter(visible)
