"""Form helpers the apps' views share: a service's refusal shown on the form, a form's errors as text."""

from django.core.exceptions import ValidationError


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
