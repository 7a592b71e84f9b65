"""Money in VND: stored as integers (đồng), shown as 1.234.567 đồng, or in millions and billions."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _


def group(value: int | Decimal, sep: str = ".") -> str:
    """Group digits in threes: 1234567 -> "1.234.567"."""
    number = int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if number < 0 else ""
    return sign + f"{abs(number):,}".replace(",", sep)


def format_vnd(value: int | Decimal | None) -> str:
    """Full amount with the unit: "1.234.567 đồng"."""
    if value is None:
        return ""
    return _("{amount} đồng").format(amount=group(value))


def format_scaled(value: int | Decimal | None, unit: str = "million") -> str:
    """An amount in millions (triệu) or billions (tỷ), with a decimal comma: "1.234,6 tỷ"."""
    if value is None:
        return ""
    divisor = Decimal(1_000_000) if unit == "million" else Decimal(1_000_000_000)
    scaled = (Decimal(value) / divisor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    whole, _sep, frac = f"{abs(scaled):f}".partition(".")
    text = group(int(whole)) + ("," + frac if frac and frac != "0" else "")
    text = ("-" if scaled < 0 else "") + text
    label = _("million") if unit == "million" else _("billion")
    return f"{text} {label}"
