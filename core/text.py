"""Vietnamese text: NFC normalisation and diacritic folding for search ("đ" matches "d")."""

import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value: str | None) -> str:
    """Normalise input text to Unicode NFC and trim it, so that equal words compare equal."""
    if not value:
        return ""
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str | None) -> str:
    """Lower-case, strip diacritics and map đ to d: "Phường Hoàn Kiếm" -> "phuong hoan kiem"."""
    if not value:
        return ""
    value = value.translate(_D_MAP)
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def search_terms(query: str | None) -> list[str]:
    """Split a search query into folded words; each must match."""
    return [word for word in fold(query).split(" ") if word]
