"""Vietnamese phone numbers: what people type in, and the E.164 form we store."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION = "VN"


def normalize_phone(raw: str) -> str:
    """Return the E.164 form of a Vietnamese mobile or landline number, or raise ValidationError.

    Accepts what people write: 0987 654 321, 0987.654.321, +84987654321, 84987654321.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    cleaned = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    if cleaned.startswith("84") and len(cleaned) >= 11:
        cleaned = "+" + cleaned
    try:
        number = phonenumbers.parse(cleaned, REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("“%(value)s” is not a phone number. Write it like 0987 654 321."), code="invalid", params={"value": text}
        ) from None
    if number.country_code != 84:
        raise ValidationError(
            _("“%(value)s” is not a Vietnamese phone number (+84)."), code="foreign", params={"value": text}
        )
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid Vietnamese phone number. Check the number of digits."),
            code="invalid",
            params={"value": text},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """The national form people recognise: 0987 654 321."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, REGION)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def masked_phone(e164: str) -> str:
    """Enough of a number to recognise it without disclosing it: 0987 *** 321."""
    national = display_phone(e164).replace(" ", "")
    if len(national) < 7:
        return "***"
    return f"{national[:4]} *** {national[-3:]}"
