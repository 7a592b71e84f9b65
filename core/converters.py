"""The path converter every record id in a URL goes through: `<id:pk>`.

An id is a positive integer that the databases can store (1 .. 2**63 - 1). Anything else ("abc", "1.5",
" ", "0", a number too large for a bigint) does not match the pattern, so the page is a plain 404 instead
of a lookup that fails or a form that takes 0 for "new".
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)  # no match: the resolver answers 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    """Make `<id:...>` available to every urls.py; called once, when the core app is ready."""
    register_converter(IdConverter, "id")
