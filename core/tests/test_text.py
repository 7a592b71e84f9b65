"""Vietnamese text: folding for search, NFC, sorting, and money formatting."""

import re
import sys
import unicodedata
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


def _fold_by_the_definition(value: str) -> str:
    """fold as its docstring defines it, one character at a time: what the fast fold must equal."""
    value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value).translate({ord("đ"): "d", ord("Đ"): "d"})
    decomposed = unicodedata.normalize("NFD", value)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split())


def test_fold_equals_its_definition_for_every_character():
    """fold removes every combining mark in one pass (and Vietnamese letters by their ASCII decomposition):
    checked against the definition for every character of the basic plane and every combining mark (with a
    sample) beyond it, amid Vietnamese letters, a sigma and a đ."""
    beyond = [
        cp for cp in range(0x10000, sys.maxunicode + 1) if unicodedata.combining(chr(cp)) or cp % 97 == 0
    ]
    samples = (f"Ạ{chr(cp)}ĐaΣ {chr(cp)}ế\u0301" for cp in [*range(0xD800), *range(0xE000, 0x10000), *beyond])
    assert [value for value in samples if fold(value) != _fold_by_the_definition(value)] == []


@given(st.text())
def test_fold_equals_its_definition(value):
    assert fold(value) == _fold_by_the_definition(value)


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
