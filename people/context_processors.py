"""What every page's frame needs: the navigation for the person's role and their display mode.

The navigation is one list of destinations in the order of the person's work (docs/permissions.md
names the roles): police start with the report queue, the steering committee with its dashboard,
residents with their inbox. A phone shows the first four in a bar at the bottom of the screen and
the rest under "More"; a desk screen shows them all in the top bar.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from people.models import MandateRole
from people.permissions import is_officer, mandate_paths

PHONE_BAR_SIZE = 5


@dataclass(frozen=True)
class Destination:
    key: str
    url: str
    label: str
    current: bool = False


DESTINATIONS = {
    "queue": ("reports:queue", _("Incoming reports")),
    "steering": ("steering:home", _("Steering")),
    "inbox": ("delivery:inbox", _("Inbox")),
    "bulletins": ("bulletins:list", _("Bulletins")),
    "units": ("coverage:my_units", _("Units")),
    "groups": ("groups:mine", _("Groups")),
    "report": ("reports:new", _("Send a report")),
    "profile": ("people:profile", _("Me")),
}


def landing_key(person) -> str:
    """Where a signed-in person's work is: police → queue, steering → dashboard, others → inbox."""
    if mandate_paths(person, {MandateRole.POLICE}) or person.is_superuser:
        return "queue"
    if mandate_paths(person, {MandateRole.STEERING}):
        return "steering"
    return "inbox"


def destination_keys(person) -> list[str]:
    first = landing_key(person)
    if not is_officer(person) and not person.is_superuser:
        return ["inbox", "bulletins", "groups", "report", "profile"]
    order = ["queue", "steering"] if first == "queue" else ["steering", "queue"]
    return [order[0], "inbox", "bulletins", "units", order[1], "groups", "report", "profile"]


def _current(path: str, url: str) -> bool:
    # A member's post and its replies belong to the group's life, not to the bulletins.
    if path.startswith(("/bulletins/posts/", "/bulletins/groups/")):
        return url == reverse("groups:mine")
    # The report form and the case pages share /reports/: the queue owns the case pages.
    if url == reverse("reports:new"):
        return path == url
    if url == reverse("reports:queue"):
        return path.startswith("/reports/") and not path.startswith(reverse("reports:new"))
    return path.startswith(url)


def navigation(request):
    person = getattr(request, "user", None)
    if not (person and person.is_authenticated):
        session = getattr(request, "session", None)
        return {"is_officer": False, "large_text": bool(session and session.get("large_text"))}
    items = []
    for key in destination_keys(person):
        name, label = DESTINATIONS[key]
        url = reverse(name)
        items.append(Destination(key, url, str(label), _current(request.path, url)))
    if len(items) > PHONE_BAR_SIZE:
        bar, more = items[: PHONE_BAR_SIZE - 1], items[PHONE_BAR_SIZE - 1 :]
    else:
        bar, more = items, []
    return {
        "is_officer": is_officer(person),
        "nav_items": items,
        "nav_bar": bar,
        "nav_more": more,
        "nav_more_current": any(item.current for item in more),
        "large_text": person.large_text,
    }
