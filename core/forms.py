"""Form helpers the apps' views share: the version an edit was loaded at, a long text with its limit, a
service's refusal shown on the form, a form's errors as text, the empty choice of a select box, and selects
that search the server as the user types."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


class RemoteSelect(forms.Select):
    """A select whose choices come from a search API as the user types (tom-select: coso/remote-select.js).

    The page renders only the chosen records as its options (one small query, however many records the
    field's queryset holds), and the browser asks `url` with `?q=` for the rest. The posted values are the
    records' ids, as with a plain select, and the field's queryset still decides which ids are valid: without
    script the select still works, with the chosen records only. `label` is the answer's field that names a
    record ("name" for an agency, "full_name" for a person); `detail`, one shown below it in the list.
    """

    def __init__(self, *, url, label: str = "name", detail: str = "", attrs=None):
        super().__init__(attrs)
        self.url = url
        self.label = label
        self.detail = detail

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-remote-select": str(self.url),
                "data-remote-label": self.label,
                "data-remote-detail": self.detail,
                "data-remote-placeholder": _("Type to search…"),
                "data-remote-empty": _("Nothing found."),
                "data-remote-loading": _("Searching…"),
            }
        )
        return context

    def optgroups(self, name, value, attrs=None):
        """The options of the chosen values only (and the empty choice of a single select)."""
        everything = self.choices
        self.choices = self._chosen_choices(everything, value)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything

    def _chosen_choices(self, choices, value) -> list:
        field = getattr(choices, "field", None)
        queryset = getattr(choices, "queryset", None)
        if field is None or queryset is None:  # plain choices: nothing to search remotely
            return list(choices)
        picked = []
        if field.empty_label is not None and not self.allow_multiple_selected:
            picked.append(("", field.empty_label))
        ids = {int(v) for v in value if str(v).isdigit() and 0 < int(v) <= MAX_ID}
        if ids:
            picked += [choices.choice(obj) for obj in queryset.filter(pk__in=ids)]
        return picked


class RemoteSelectMultiple(RemoteSelect, forms.SelectMultiple):
    """Several records chosen by searching (the cooperating units of a directive); see RemoteSelect."""


class DecimalCommaField(forms.DecimalField):
    """A small decimal, such as a percentage, typed the Vietnamese way ("7,5") or with a point ("7.5"):
    such numbers have no thousands, so either mark is the decimal separator. It is shown with a comma.
    (Django's localized input would read "7.5" as 75, taking the point for a thousands separator.)"""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            text = f"{Decimal(str(value)).normalize():f}"
            return text.replace(".", ",")
        return value


class ConfidentialityForm(forms.Form):
    """Mark a record confidential ("Mật") and name its readers (core.services.confidentiality_set)."""

    confidential = forms.BooleanField(
        label=gettext_lazy("Confidential"),
        required=False,
        help_text=gettext_lazy("Only the named readers and the Standing Board see this record"),
    )
    confidential_readers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Named readers"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10, "class": "form-select"}),
        help_text=gettext_lazy(
            "Whoever marks the record and the user who created it are always readers while it is marked."
        ),
    )
    version = VersionField()

    def __init__(self, *args, organization_id=None, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["confidential_readers"].queryset = (
            get_user_model()
            .objects.filter(organization_id=organization_id, is_active=True)
            .exclude(role="")
            .order_by("sort_key", "id")
        )
