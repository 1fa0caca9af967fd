from django import template

from bulletins.permissions import can_moderate, can_post_to_group
from bulletins.queries import group_posts

register = template.Library()


@register.inclusion_tag("bulletins/_group_posts.html", takes_context=True)
def group_conversation(context, group):
    """The group's latest members' posts and their replies, on the group's page."""
    person = context["request"].user
    moderator = can_moderate(person, group)
    return {
        "group": group,
        "posts": group_posts(group, person, moderator),
        "can_post": can_post_to_group(person, group),
    }
