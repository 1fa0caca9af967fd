from core.text import fold, nfc


def test_fold_strips_vietnamese_diacritics_and_case():
    assert fold("Trộm chó") == "trom cho"
    assert fold("ĐƯỜNG Phước Hội") == "duong phuoc hoi"


def test_fold_collapses_whitespace():
    assert fold("  Ấp   Phước  Lễ ") == "ap phuoc le"


def test_nfc_composes_decomposed_input():
    decomposed = "Tây Ninh".encode().decode()
    import unicodedata

    assert nfc(unicodedata.normalize("NFD", decomposed)) == "Tây Ninh"
