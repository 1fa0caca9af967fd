"""Checks on what a reporter writes and where they say it happened, before anything is saved."""

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.text import fold

# Vietnamese phone numbers: 0 or +84 followed by 9–10 digits, with optional separators.
_PHONE = re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[\s.\-]?\d){9,10}(?!\d)")
# Citizen ID (CCCD, 12 digits) and the older ID card (CMND, 9 digits).
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")

# Words that describe how someone looks or who they are rather than what they do. Folded.
APPEARANCE_WORDS = (
    "da den",
    "da trang",
    "da ngam",
    "dan toc",
    "nguoi khmer",
    "nguoi hoa",
    "nguoi cham",
    "nguoi mien",
    "mat mui",
    "trong mat",
    "trong nhu",
    "xam tro",
    "an mac",
)

WARNING_MESSAGES = {
    "phone": _("Your text contains what looks like a phone number. Others may see it: remove it unless it is needed."),
    "id_number": _(
        "Your text contains what looks like an ID card number. Others may see it: remove it unless it is needed."
    ),
    "appearance": _(
        "Describe what the person did and the circumstances, not how they look or where they come from. "
        "Appearance alone is not a reason for suspicion."
    ),
}


def sensitive_findings(text: str) -> list[str]:
    """Kinds of personal data found in free text: "phone", "id_number"."""
    found = []
    if _PHONE.search(text):
        found.append("phone")
    without_phones = _PHONE.sub(" ", text)
    if _ID_NUMBER.search(without_phones):
        found.append("id_number")
    return found


def mentions_appearance(text: str) -> bool:
    folded = fold(text)
    return any(re.search(rf"\b{word}\b", folded) for word in APPEARANCE_WORDS)


# Vietnam's mainland and its island districts, as boxes (latitude range, longitude range).
VIETNAM_BOXES = (
    ((Decimal("8.3"), Decimal("23.5")), (Decimal("102.1"), Decimal("109.6"))),  # mainland and near islands
    ((Decimal("15.6"), Decimal("17.2")), (Decimal("110.9"), Decimal("113.0"))),  # Hoàng Sa
    ((Decimal("6.4"), Decimal("12.1")), (Decimal("111.4"), Decimal("117.9"))),  # Trường Sa
)


def in_vietnam(latitude: Decimal, longitude: Decimal) -> bool:
    return any(
        lat_min <= latitude <= lat_max and lon_min <= longitude <= lon_max
        for (lat_min, lat_max), (lon_min, lon_max) in VIETNAM_BOXES
    )
