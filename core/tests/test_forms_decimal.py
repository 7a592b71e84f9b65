"""A small decimal typed the Vietnamese way or with a point reads the same, and shows with a comma."""

from decimal import Decimal

import pytest
from django import forms

from core.forms import DecimalCommaField


class PercentForm(forms.Form):
    percent = DecimalCommaField(min_value=0, max_value=100, max_digits=5, decimal_places=2)


@pytest.mark.parametrize(
    ("typed", "read"), [("7,5", Decimal("7.5")), ("7.5", Decimal("7.5")), (" 95 ", Decimal(95))]
)
def test_comma_or_point_is_the_decimal_mark(typed, read):
    form = PercentForm({"percent": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["percent"] == read


def test_a_thousands_reading_is_refused_not_multiplied():
    form = PercentForm({"percent": "1.234,5"})
    assert not form.is_valid()


def test_the_value_shows_with_a_comma():
    assert 'value="7,5"' in str(PercentForm(initial={"percent": Decimal("7.50")})["percent"])
    assert 'value="25"' in str(PercentForm(initial={"percent": Decimal("25.00")})["percent"])
