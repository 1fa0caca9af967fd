"""What the bulletin pages read: bulletins a person received, and those they manage."""

from django.db.models import Count, Q, QuerySet

from bulletins.models import Bulletin, BulletinStatus, Moderation, Post, PostReply
from bulletins.permissions import PUBLISHING_ROLES
from delivery.models import Delivery
from delivery.queries import inbox_q
from groups.models import CommunityGroup
from people.models import Person
from people.permissions import managed_units_q

LISTED = 50


def received_bulletins(person: Person) -> QuerySet[Bulletin]:
    """Published bulletins that reached the person's inbox, newest first."""
    return (
        Bulletin.objects.filter(
            status=BulletinStatus.PUBLISHED,
            notice__in=Delivery.objects.filter(inbox_q(person)).values("notice_id"),
        )
        .select_related("author")
        .order_by("-published_at")[:LISTED]
    )


def managed_bulletins(person: Person) -> list[Bulletin]:
    """Bulletins the person wrote or that were published in units they publish for."""
    return list(
        Bulletin.objects.filter(Q(author=person) | managed_units_q(person, "unit__", PUBLISHING_ROLES))
        .select_related("unit", "notice")
        .order_by("-publish_at")[:LISTED]
    )


REPLIES_SHOWN = 200
GROUP_POSTS_SHOWN = 10


def post_replies(post: Post, person: Person, moderator: bool) -> list[PostReply]:
    """A post's replies, oldest first: hidden ones only to their author and the group's moderators."""
    replies = post.replies.select_related("author", "moderated_by")
    if not moderator:
        replies = replies.filter(Q(moderation=Moderation.VISIBLE) | Q(author=person) | Q(moderation=Moderation.REMOVED))
    return list(replies[:REPLIES_SHOWN])


def group_posts(group: CommunityGroup, person: Person, moderator: bool) -> list[Post]:
    """The group's latest posts with their reply counts, for its page."""
    posts = Post.objects.filter(group=group).select_related("author")
    if not moderator:
        posts = posts.filter(Q(moderation=Moderation.VISIBLE) | Q(author=person))
    posts = posts.annotate(reply_count=Count("replies", filter=Q(replies__moderation=Moderation.VISIBLE)))
    return list(posts.order_by("-created_at")[:GROUP_POSTS_SHOWN])
