"""Vietnamese text: NFC normalisation and diacritic folding for search ("đ" matches "d")."""

import functools
import re
import sys
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _character_set(codes: list[int], negate: bool = False) -> re.Pattern:
    ranges: list[list[int]] = []
    for cp in codes:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    members = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
    return re.compile(f"[{'^' if negate else ''}{members}]")


@functools.cache
def _combining_marks() -> re.Pattern:
    """Every character with a combining class (what unicodedata.combining calls one). Built on first use."""
    classes = map(unicodedata.combining, map(chr, range(sys.maxunicode + 1)))
    return _character_set([cp for cp, mark in enumerate(classes) if mark])


# Where the letters of Vietnamese (and the other Latin letters with marks) and the combining marks are.
_LATIN = (*range(0x80, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00))


@functools.cache
def _beyond_latin() -> re.Pattern:
    """A character that is not ASCII nor a letter of the Latin blocks decomposing (NFD) into ASCII and
    combining marks: Vietnamese never has one, so its folded form is its decomposition's ASCII."""

    def latin(cp: int) -> bool:
        return all(ord(c) < 128 or unicodedata.combining(c) for c in unicodedata.normalize("NFD", chr(cp)))

    return _character_set([*range(128), *(cp for cp in _LATIN if latin(cp))], negate=True)


def nfc(value: str | None) -> str:
    """Normalise input text to Unicode NFC, drop control characters (NUL breaks PostgreSQL) and trim it."""
    if not value:
        return ""
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()


def fold(value: str | None) -> str:
    """Lower-case, strip diacritics and map đ to d: "Phường Hoàn Kiếm" -> "phuong hoan kiem"."""
    if not value:
        return ""
    value = _CONTROL.sub("", value).replace("đ", "d").replace("Đ", "d")
    if value.isascii():
        stripped = value
    elif _beyond_latin().search(value) is None:  # letters and marks only: the marks are what is not ASCII
        stripped = unicodedata.normalize("NFD", value).encode("ascii", "ignore").decode("ascii")
    else:
        stripped = _combining_marks().sub("", unicodedata.normalize("NFD", value))
    return " ".join(stripped.lower().split())


def search_terms(query: str | None) -> list[str]:
    """Split a search query into folded words; each must match."""
    return [word for word in fold(query).split(" ") if word]


# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y. Each letter
# becomes two ASCII characters (the base letter, then its place among its variants); tones only break
# ties, in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_VARIANTS = {
    "ă": ("a", "1"),
    "â": ("a", "2"),
    "đ": ("d", "1"),
    "ê": ("e", "1"),
    "ô": ("o", "1"),
    "ơ": ("o", "2"),
    "ư": ("u", "1"),
}
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_SHAPE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter, not a tone


def sort_key(value: str | None) -> str:
    """An ASCII key that sorts Vietnamese text correctly on any database collation ("Đ" after "D")."""
    if not value:
        return ""
    primary, tones = [], []
    value = re.sub(r"\d+", lambda m: m.group().zfill(6), value)  # "Phường 2" before "Phường 12"
    for ch in unicodedata.normalize("NFC", value.lower()):
        if ch.isspace():
            if primary and primary[-1] != "00":
                primary.append("00")
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        tone = next((_TONES[m] for m in marks if m in _TONES), "0")
        shaped = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _SHAPE_MARKS))
        if shaped in _VARIANTS:
            letter, variant = _VARIANTS[shaped]
        elif shaped.isdigit() and shaped.isascii():
            letter, variant = "1", shaped
        elif base.isascii() and base.isalpha():
            letter, variant = base, "0"
        else:
            continue  # punctuation does not take part in the order
        primary.append(letter + variant)
        tones.append(tone)
    return ("".join(primary) + "0" + "".join(tones))[:255]
