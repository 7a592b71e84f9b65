"""Vietnamese text: folding for search, NFC, sorting, and money formatting."""

from decimal import Decimal

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.money import format_scaled, format_vnd, group
from core.text import fold, nfc, search_terms, sort_key


def test_fold_strips_diacritics_and_maps_d():
    assert fold("Phường Hoàn Kiếm") == "phuong hoan kiem"
    assert fold("ĐẢNG BỘ  Thành phố") == "dang bo thanh pho"
    assert fold("Nguye\u0302\u0303n") == "nguyen"
    assert search_terms("  Hoàn   KIẾM ") == ["hoan", "kiem"]
    assert fold(None) == "" and fold("") == ""


def test_nfc_composes_and_trims():
    assert nfc(" Nguye\u0302\u0303n ") == "Nguyễn"
    assert nfc(None) == ""


def test_vietnamese_alphabetical_order():
    words = [
        "Đống Đa",
        "Dương Nội",
        "Ba Đình",
        "Ân Thi",
        "An Khánh",
        "Ăn Uống",
        "Bạch Mai",
        "Ba",
        "Ô Chợ Dừa",
        "Ong",
        "Ơn",
        "Ưng Hòa",
        "Uông Bí",
        "Phường 12",
        "Phường 2",
    ]
    expected = [
        "An Khánh",
        "Ăn Uống",
        "Ân Thi",
        "Ba",
        "Ba Đình",
        "Bạch Mai",
        "Dương Nội",
        "Đống Đa",
        "Ong",
        "Ô Chợ Dừa",
        "Ơn",
        "Phường 2",
        "Phường 12",
        "Uông Bí",
        "Ưng Hòa",
    ]
    assert sorted(words, key=sort_key) == expected


def test_tones_break_ties_in_dictionary_order():
    assert sorted(["bá", "bạ", "bà", "ba", "bã", "bả"], key=sort_key) == ["ba", "bà", "bả", "bã", "bá", "bạ"]


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậ 0123456789", max_size=40))
def test_sort_key_is_ascii_and_case_insensitive(text):
    key = sort_key(text)
    assert key.isascii()
    assert key == sort_key(text.upper())


def test_money_reads_the_vietnamese_way():
    assert group(1234567) == "1.234.567"
    assert group(-1000) == "-1.000"
    with translation.override("vi"):
        assert format_vnd(1234567).startswith("1.234.567 ")
        assert format_scaled(Decimal("1234567890123"), "billion").startswith("1.234,6 ")
        assert format_scaled(2_000_000, "million").startswith("2 ")
    assert format_vnd(None) == ""
