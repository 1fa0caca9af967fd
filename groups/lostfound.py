"""Where a member's group post about a lost or found item meets the lost & found post.

`bulletins` (members' posts and the steering committee's re-share) and `reports` (lost & found
posts, their sharing and matching) are peers and never import each other. The lost & found post
is the one source of truth: re-sharing a member's post about a lost or found item files (or finds)
that post and shares it through `reports` — the same function as the case page's "Share" button —
instead of publishing a second, unlinked bulletin. `reports` registers its desk here when it loads.
"""

from typing import Protocol

from people.models import Person
from places.models import Unit


class LostFoundDesk(Protocol):
    def file_from_post(
        self, actor: Person, *, author: Person, unit: Unit, text: str, kind: str, category: str, post_id: int
    ) -> str:
        """File (or find) the lost & found post made from a group post; its receipt code."""
        ...

    def share(self, actor: Person, code: str, units: list[Unit]) -> int:
        """Share the post to these communes' groups; how many communes were new."""
        ...

    def share_choices(self, unit: Unit) -> list[Unit]:
        """The communes a post from this unit may be shared to: its own first, then neighbours."""
        ...

    def categories(self, kind: str) -> list[tuple[str, str]]: ...


_desk: list[LostFoundDesk] = []


def register_desk(desk: LostFoundDesk) -> None:
    _desk[:] = [desk]


def desk() -> LostFoundDesk:
    if not _desk:
        raise RuntimeError("no lost & found desk registered (the reports app registers it)")
    return _desk[0]
