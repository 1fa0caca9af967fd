from django import template
from django.utils.translation import pgettext

from reports.categories import get_category
from reports.queries import group_feed

register = template.Library()


@register.inclusion_tag("reports/_group_feed.html")
def group_alerts_and_posts(group):
    """Urgent alerts (top priority) and open lost & found posts for a group's page."""
    feed = group_feed(group)
    return {"alerts": feed.alerts, "posts": feed.posts}


@register.filter
def place(unit) -> str:
    """A unit with its parent when the name alone is ambiguous ("Tổ 1, Ấp Phước Hội")."""
    parent = unit.parent if unit.tier > 3 else None
    if parent is None or parent.name.lower() in unit.name.lower():
        return unit.name
    return f"{unit.name}, {parent.name}"


@register.filter
def duration_hm(delta) -> str:
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {minutes:02d}m"


@register.filter
def triage_words(reasons) -> str:
    """The words that made triage call a report urgent ("weapon: dao" → "dao")."""
    return ", ".join(dict.fromkeys(str(reason).split(": ", 1)[-1] for reason in reasons or []))


@register.filter
def category_label(code: str) -> str:
    category = get_category(code or "")
    return str(category.name) if category else code


@register.inclusion_tag("reports/_triage.html")
def triage_badge(report, detailed=False):
    return {"report": report, "detailed": detailed}


@register.filter
def coordinates(latitude, longitude) -> str:
    """A latitude and longitude as people read them: "11.2905° B, 106.0562° Đ" in Vietnamese.

    {{ report.latitude|coordinates:report.longitude }}"""
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return ""
    north_south = pgettext("compass", "N") if latitude >= 0 else pgettext("compass", "S")
    east_west = pgettext("compass", "E") if longitude >= 0 else pgettext("compass", "W")
    return f"{abs(latitude):.4f}° {north_south}, {abs(longitude):.4f}° {east_west}"
