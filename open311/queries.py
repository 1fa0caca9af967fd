"""What Open311 reads: reports as service requests, with what each request shows fetched with the list."""

from django.db.models import QuerySet

from reports.models import Report


def service_requests() -> QuerySet[Report]:
    """Reports with their unit, the report they were merged into and their photos: a list of
    service requests costs three queries with the communes (places.queries.communes_of)."""
    return Report.objects.select_related("unit", "merged_into").prefetch_related("photos")
