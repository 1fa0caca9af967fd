"""The demo's one timeline: the 2019 article's dates, shifted as a whole to recent dates.

The article (Báo Tây Ninh, 24 Nov 2019) tells the story in order: Phước Ninh (now Cầu Khởi) launched
the model in June 2019 in three pilot residential groups, spread it to the whole commune after the
evaluation, the residents sent 32 reports, a stray buffalo found on 28 Aug 2019 went back to its
owner in under two hours, and the provincial steering committee then ordered every unit to have
its groups by the end of 2019. The demo keeps those dates and their intervals, moved so that the
article's day is the day the demo is seeded (docs/demo.md): reports, groups, members, the
directive and its deadline all move together, so dashboards, deadlines and reminders are live.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ARTICLE_DAY = date(2019, 11, 24)  # the demo's "today"
PILOT_LAUNCH = (2019, 6, 10, 8, 0)  # the launch ceremony; three pilot residential groups
PILOT_GROUPS = 3
COMMUNE_WIDE = (2019, 7, 1, 8, 0)  # after the evaluation: the whole commune
COMMUNE_DONE = (2019, 9, 30, 17, 0)  # the last of the 60 residential groups formed
NEIGHBOUR_START = (2019, 8, 5, 8, 0)  # Suối Đá (Dương Minh Châu) had groups: the buffalo's owner was in one
BUFFALO_FOUND = (2019, 8, 28, 7, 30)
DIRECTIVE_ISSUED = (2019, 10, 21, 8, 0)  # "vừa có văn bản yêu cầu…": shortly before the article
DIRECTIVE_DEADLINE = date(2019, 12, 31)  # "Đến hết năm 2019…"


def shift() -> timedelta:
    """How far the story moves: the article's day becomes today. Read from the system clock, not
    django.utils.timezone.now, which the reports seed sets to each moment it replays."""
    return datetime.now(VN).date() - ARTICLE_DAY


def at(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A moment of the 2019 story, on the demo's calendar."""
    return datetime(year, month, day, hour, minute, tzinfo=VN) + shift()


def on(day: date) -> date:
    """A day of the 2019 story (e.g. the directive's deadline) on the demo's calendar."""
    return day + shift()


def moment(parts: tuple[int, int, int, int, int]) -> datetime:
    return at(*parts)
