"""The questions of a report filed in a chat, as a pure state machine: a `Draft` and a message in,
the next `Draft` and the answer out. Nothing here reads or writes the database; the
conversation (conversation.py) loads the draft, applies the turn and files it (filing.py).

A resident is led one question at a time — kind → category → description (→ what the person
did) → place, position or photo → who may know → confirmation. See docs/channels.md.
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext as _

from channels.base import IncomingMessage
from core.text import fold
from reports.categories import BY_CODE, CATEGORIES, Kind
from reports.checks import WARNING_MESSAGES, in_vietnam, mentions_appearance, sensitive_findings
from reports.models import Step, Visibility

CANCEL_WORDS = {"huy", "cancel", "thoi", "dung lai", "stop"}
SKIP_WORDS = {"bo qua", "skip", "khong"}
NEW_WORDS = {"bao moi", "tin bao moi", "new", "new report", "/start", "start", "bat dau"}
SEND_WORDS = ("gui", "dong y", "xac nhan", "ok", "yes", "send")
# Words residents use for each kind, folded (no diacritics), in both languages.
KIND_WORDS = {
    Kind.CRIME: ("toi pham", "to giac", "su viec", "crime"),
    Kind.SUSPICIOUS: ("kha nghi", "doi tuong", "suspicious"),
    Kind.PUBLIC_ORDER: ("trat tu", "an ninh", "public order"),
    Kind.LOST: ("mat", "danh roi", "lost"),
    Kind.FOUND: ("nhat", "nhat duoc", "found"),
}
VISIBILITY_WORDS = {
    Visibility.NAMED: ("ten", "ghi ten", "named", "name"),
    Visibility.CONFIDENTIAL: ("bao mat", "confidential"),
    Visibility.ANONYMOUS: ("an danh", "anonymous"),
}
MAX_CHAT_IMAGES = 10


@dataclass(frozen=True)
class Draft:
    """What the resident said so far, and the question they are at."""

    step: str = Step.KIND
    kind: str = ""
    category: str = ""
    description: str = ""
    behaviour: str = ""
    place_text: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    image_urls: tuple[str, ...] = ()
    visibility: str = ""


class Action(StrEnum):
    ASK = "ask"  # keep the draft and wait for the next answer
    CANCEL = "cancel"  # drop the draft: nothing goes to the police
    FILE = "file"  # the resident confirmed: file the draft


@dataclass(frozen=True)
class Turn:
    draft: Draft
    answer: str
    action: Action = Action.ASK


def cancelled_text() -> str:
    return _("Cancelled: nothing was sent to the police. Write to us again to start a new report.")


# The questions -----------------------------------------------------------------------------


def numbered(options: list[tuple[str, str]]) -> str:
    return "\n".join(f"{number}. {label}" for number, (_value, label) in enumerate(options, start=1))


def kind_options() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Kind.choices]


def category_options(kind: str) -> list[tuple[str, str]]:
    return [(c.code, str(c.name)) for c in CATEGORIES if c.kind == kind]


def visibility_options() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Visibility.choices]


def kind_prompt() -> str:
    return "\n".join(
        [
            _("What do you want to report to the police? Answer with a number:"),
            numbered(kind_options()),
            _("Write “cancel” to stop at any time."),
        ]
    )


def prompt(draft: Draft) -> str:
    step = draft.step
    if step == Step.KIND:
        return kind_prompt()
    if step == Step.CATEGORY:
        return "\n".join([_("Which of these is it?"), numbered(category_options(draft.kind))])
    if step == Step.DESCRIPTION:
        if draft.kind in (Kind.LOST, Kind.FOUND):
            return _("Describe it: what it is, how to recognise it, when and where.")
        return _("Tell us what happened: what, when, and who was involved.")
    if step == Step.BEHAVIOUR:
        return _("What did the person do that worried you? Describe their behaviour, not their looks.")
    if step == Step.LOCATION:
        return _(
            "Where did it happen? Send your location, a photo, or write the place. "
            "Write “skip” if you prefer not to say."
        )
    if step == Step.VISIBILITY:
        return "\n".join(
            [
                _("Who may know that you reported this?"),
                numbered(visibility_options()),
                _(
                    "If you choose anonymous, the police cannot answer you here: you follow the report "
                    "on the web with its code and secret."
                ),
            ]
        )
    if step == Step.CONFIRM:
        return summary(draft)
    return ""


def summary(draft: Draft) -> str:
    category = BY_CODE.get(draft.category)
    lines = [
        _("Please check your report:"),
        _("Kind: %(kind)s") % {"kind": Kind(draft.kind).label},
        _("Category: %(category)s") % {"category": category.name if category else draft.category},
        _("What happened: %(text)s") % {"text": draft.description},
    ]
    if draft.behaviour:
        lines.append(_("What the person did: %(text)s") % {"text": draft.behaviour})
    if draft.place_text:
        lines.append(_("Where: %(place)s") % {"place": draft.place_text})
    if draft.latitude is not None:
        lines.append(_("Position: %(lat)s, %(lon)s") % {"lat": draft.latitude, "lon": draft.longitude})
    if draft.image_urls:
        lines.append(_("Photos: %(count)d") % {"count": len(draft.image_urls)})
    lines.append(_("Who knows: %(visibility)s") % {"visibility": Visibility(draft.visibility).label})
    text = " ".join((draft.description, draft.behaviour, draft.place_text))
    warnings = sensitive_findings(text)
    if draft.kind == Kind.SUSPICIOUS and mentions_appearance(text):
        warnings.append("appearance")
    lines += [str(WARNING_MESSAGES[code]) for code in warnings]
    lines.append("1. " + _("Send") + "\n2. " + _("Cancel"))
    return "\n".join(lines)


def choose(answer: str, options: list[tuple[str, str]], words: dict | None = None) -> str | None:
    """The option picked by its number ("2", "2.", "số 2") or by words of its label; None when unclear."""
    folded = fold(answer).strip(" .!?")
    if not folded:
        return None
    number = re.fullmatch(r"(?:so\s*)?(\d{1,2})\.?", folded)
    if number:
        index = int(number.group(1)) - 1
        return options[index][0] if 0 <= index < len(options) else None
    hits = set()
    for value, label in options:
        folded_label = fold(label)
        aliases = (words or {}).get(value, ())
        if (
            folded == folded_label
            or (len(folded) >= 4 and folded in folded_label)
            or any(re.search(rf"\b{re.escape(alias)}\b", folded) for alias in aliases)
        ):
            hits.add(value)
    return hits.pop() if len(hits) == 1 else None


def not_understood(answer: str) -> str:
    return _("Sorry, “%(answer)s” is not one of the choices. Answer with one of the numbers.") % {"answer": answer[:60]}


def confirmation(text: str) -> str | None:
    return choose(text, [("send", _("Send")), ("cancel", _("Cancel"))], {"send": SEND_WORDS})


# Advancing a draft -----------------------------------------------------------------------------


def take_attachments(draft: Draft, message: IncomingMessage) -> tuple[Draft, list[str], bool]:
    """Images and a position sent at any step go into the draft. Returns the draft, what to tell
    the sender, and whether a place (a photo or a position) came with this message."""
    notes, got_place = [], False
    images = [a.url for a in message.attachments if a.kind == "image"]
    if images:
        draft = replace(draft, image_urls=(*draft.image_urls, *images)[:MAX_CHAT_IMAGES])
        notes.append(_("Photo received."))
        got_place = True
    if message.location is not None:
        latitude = Decimal(str(message.location.latitude)).quantize(Decimal("0.000001"))
        longitude = Decimal(str(message.location.longitude)).quantize(Decimal("0.000001"))
        if in_vietnam(latitude, longitude):
            draft = replace(draft, latitude=latitude, longitude=longitude)
            notes.append(_("Location received."))
            got_place = True
        else:
            notes.append(_("This position is outside Vietnam; it was not kept."))
    return draft, notes, got_place


def advance(draft: Draft, text: str, message: IncomingMessage) -> Turn:
    """The next state of the draft after this message, and what to answer."""
    folded = fold(text)
    if folded in CANCEL_WORDS:
        return Turn(draft, cancelled_text(), Action.CANCEL)
    draft, notes, got_place = take_attachments(draft, message)
    step = draft.step
    error = ""
    if folded in SKIP_WORDS:
        if step == Step.LOCATION:
            draft = replace(draft, step=Step.VISIBILITY)
        else:
            error = _("This question cannot be skipped.")
    elif step == Step.KIND and text:
        kind = choose(text, kind_options(), KIND_WORDS)
        if kind is None:
            error = not_understood(text)
        else:
            draft = replace(draft, kind=kind, step=Step.CATEGORY)
    elif step == Step.CATEGORY and text:
        keywords = {c.code: tuple(fold(k) for k in c.keywords) for c in CATEGORIES}
        category = choose(text, category_options(draft.kind), keywords)
        if category is None:
            error = not_understood(text)
        else:
            draft = replace(draft, category=category, step=Step.DESCRIPTION)
    elif step in (Step.DESCRIPTION, Step.BEHAVIOUR) and text:
        if len(text) > settings.REPORT_MAX_TEXT:
            error = _("Keep it under %(n)d characters.") % {"n": settings.REPORT_MAX_TEXT}
        elif step == Step.DESCRIPTION:
            after = Step.BEHAVIOUR if draft.kind == Kind.SUSPICIOUS else Step.LOCATION
            draft = replace(draft, description=text, step=after)
        else:
            draft = replace(draft, behaviour=text, step=Step.LOCATION)
    elif step == Step.LOCATION and (text or got_place):
        draft = replace(draft, place_text=text[:300], step=Step.VISIBILITY)
    elif step == Step.VISIBILITY and text:
        visibility = choose(text, visibility_options(), VISIBILITY_WORDS)
        if visibility is None:
            error = not_understood(text)
        else:
            draft = replace(draft, visibility=visibility, step=Step.CONFIRM)
    elif step == Step.CONFIRM and text:
        choice = confirmation(text)
        if choice == "cancel":
            return Turn(draft, cancelled_text(), Action.CANCEL)
        if choice == "send":
            return Turn(draft, "", Action.FILE)
        error = not_understood(text)
    return Turn(draft, "\n".join(filter(None, [*notes, error, prompt(draft)])))
