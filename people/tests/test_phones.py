import pytest
from django.core.exceptions import ValidationError

from people.phones import display_phone, masked_phone, normalize_phone


@pytest.mark.parametrize(
    "typed",
    ["0987654321", "0987 654 321", "0987.654.321", "+84987654321", "84987654321", "+84 987 654 321", " 0987-654-321 "],
)
def test_every_way_people_write_a_mobile_number_is_stored_as_e164(typed):
    assert normalize_phone(typed) == "+84987654321"


def test_a_landline_with_its_area_code_is_accepted():
    assert normalize_phone("0276 3822322") == "+842763822322"


@pytest.mark.parametrize("typed", ["0987 654", "12345", "0987 654 321 999", "abc", "+1 202 555 0101"])
def test_a_wrong_number_gets_a_clear_message(typed):
    with pytest.raises(ValidationError) as error:
        normalize_phone(typed)
    assert typed.strip() in error.value.messages[0]


def test_an_empty_number_asks_for_one():
    with pytest.raises(ValidationError, match="Enter a phone number"):
        normalize_phone("  ")


def test_the_message_is_in_vietnamese_by_default():
    from django.utils import translation

    with translation.override("vi"):
        with pytest.raises(ValidationError) as error:
            normalize_phone("12345")
        assert "không phải là số điện thoại" in error.value.messages[0]


def test_numbers_are_shown_in_the_national_form_and_masked_for_strangers():
    assert display_phone("+84987654321") == "0987 654 321"
    assert masked_phone("+84987654321") == "0987 *** 321"
