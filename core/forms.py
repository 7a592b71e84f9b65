"""Form helpers the apps' views share: the version an edit was loaded at, a long text with its limit, a
service's refusal shown on the form, a form's errors as text, the empty choice of a select box."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy

from core.converters import MAX_ID
from core.errors import ConflictError
from core.validators import LONG_TEXT, MaxChars, limit_hint


def with_blank(choices) -> list:
    """A select box's choices behind the one empty choice every form shows ("— Chọn —"): for a ChoiceField
    that must not preselect anything. Model and ModelChoice fields get the same label on their own."""
    return [("", settings.COSO_BLANK_CHOICE), *choices]


class VersionField(forms.IntegerField):
    """The version of the record when its form was loaded (optimistic locking), as a hidden input.

    Missing or malformed is not a field error (a hidden field's error would be shown nowhere): the value
    is then None, and `form_version` turns it into the conflict when the form edits a record.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            number = super().to_python(value)
        except ValidationError:
            return None
        return number if number is not None and 1 <= number <= MAX_ID else None


class LongTextField(forms.CharField):
    """A long text (core.validators): a text area, refused over its limit with the services' message, the
    limit said under it. No `maxlength` attribute: the browser would cut a pasted text silently."""

    def __init__(self, *, limit: int = LONG_TEXT, rows: int = 3, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        extra = kwargs.pop("help_text", "")
        # Lazy: the hint is worded (and its number grouped) in the language of each request.
        kwargs["help_text"] = lazy(lambda: " ".join(str(t) for t in (extra, limit_hint(limit)) if t), str)()
        super().__init__(**kwargs)
        self.validators.append(MaxChars(limit))


def form_version(form) -> int:
    """The version an edit form posted; missing or malformed is a conflict, never "whatever is stored now"."""
    version = form.cleaned_data.get("version")
    if version is None:
        raise ConflictError()
    return version


def add_errors(form, exc: ValidationError, renames: dict | None = None) -> None:
    """Put a service's ValidationError on the form: each field's errors on that field (after `renames`,
    service field -> form field), the rest, and a plain message, on the form as a whole."""
    renames = renames or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            field = renames.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def form_errors_text(form) -> str:
    """A bound form's errors in one line ("Label: error. Other label: error."), for a flash message."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)
