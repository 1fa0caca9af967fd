"""Text as providers count it: NFC-normalised characters for Zalo and Telegram, segments for SMS."""

import unicodedata
from dataclasses import dataclass

ELLIPSIS = "…"

# GSM 03.38 default alphabet and its extension table (each extension character costs two septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def fit(text: str, limit: int) -> str:
    """NFC text cut to at most `limit` characters, ending with an ellipsis when it was cut."""
    text = nfc(text).strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    per_segment: int


def sms_size(text: str) -> SmsSize:
    """How many SMS segments a text takes: 160/153 GSM-7 septets or 70/67 UCS-2 units per segment.

    Vietnamese with diacritics (ơ, ư, ạ, đ…) is outside GSM-7, so it goes as UCS-2.
    """
    text = nfc(text)
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units <= single:
        return SmsSize(encoding, units, 1 if units else 0, single)
    return SmsSize(encoding, units, -(-units // multi), multi)
