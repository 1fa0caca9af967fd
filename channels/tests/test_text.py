"""Text as providers count it."""

from channels.text import fit, sms_size


def test_text_is_normalised_to_nfc_before_counting():
    decomposed = "Ca\u0309nh Gia\u0301c"  # "Cảnh Giác" with combining marks: 11 code points
    assert fit(decomposed, 2000) == "Cảnh Giác"
    assert len(fit(decomposed, 2000)) == 9


def test_a_text_over_the_limit_is_cut_with_an_ellipsis_to_exactly_the_limit():
    assert fit("a" * 2001, 2000) == "a" * 1999 + "…"


def test_plain_ascii_is_gsm7_with_160_characters_in_one_segment_and_153_after():
    assert sms_size("a" * 160) == sms_size("a" * 160).__class__("GSM-7", 160, 1, 160)
    assert (sms_size("a" * 161).segments, sms_size("a" * 161).per_segment) == (2, 153)
    assert sms_size("a" * 306).segments == 2 and sms_size("a" * 307).segments == 3


def test_gsm7_extension_characters_count_twice():
    assert sms_size("€" * 80).units == 160 and sms_size("€" * 81).segments == 2


def test_vietnamese_with_diacritics_is_ucs2_with_70_characters_in_one_segment_and_67_after():
    assert sms_size("ư" * 70) == sms_size("ư" * 70).__class__("UCS-2", 70, 1, 70)
    assert (sms_size("ư" * 71).segments, sms_size("ư" * 71).per_segment) == (2, 67)
    assert sms_size("Cảnh báo trộm chó").encoding == "UCS-2"


def test_an_emoji_takes_two_ucs2_units():
    assert sms_size("🚨").units == 2


def test_an_empty_text_takes_no_segment():
    assert sms_size("").segments == 0


def test_a_link_already_in_the_text_is_not_repeated_in_the_message():
    from channels.conftest import Message
    from channels.registry import get_type

    link = "https://canhgiac.example.vn/inbox/7/"
    with_footer = Message(
        "1", subject="Cảnh báo", text=f"Trộm chó ở ấp Phước Hội.\n\nMở trong Cảnh Giác: {link}", url=link
    )
    without = Message("1", subject="Cảnh báo", text="Trộm chó ở ấp Phước Hội.", url=link)

    assert get_type("telegram").prepare_text(with_footer).count(link) == 1  # a link costs an SMS segment
    assert get_type("telegram").prepare_text(without).endswith(link)
