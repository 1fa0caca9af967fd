from django import template

from reports.actions import group_feed

register = template.Library()


@register.inclusion_tag("reports/_group_feed.html")
def group_alerts_and_posts(group):
    """Urgent alerts (top priority) and open lost & found posts for a group's page."""
    feed = group_feed(group)
    return {"alerts": feed.alerts, "posts": feed.posts}


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
