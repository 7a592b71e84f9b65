"""Template helpers: money in đồng, durations in working days and hours, history links, sort headers, long
texts folded."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.calendar import describe_hours
from core.money import format_scaled, format_vnd
from core.validators import FOLD_AT

register = template.Library()


@register.filter
def vnd(value):
    """1234567 -> "1.234.567 đồng"."""
    return format_vnd(value)


@register.filter
def billions(value):
    return format_scaled(value, "billion")


@register.filter
def millions(value):
    return format_scaled(value, "million")


@register.filter
def duration(hours, kind="working"):
    """Hours as days and hours: `{{ n|duration }}` for working time ("12 ngày 2 giờ làm việc", days of the
    working calendar's length), `{{ n|duration:"calendar" }}` for calendar time (days of 24 hours).
    The rounding is `core.calendar.describe_hours`'s."""
    if kind not in ("working", "calendar"):
        raise ValueError(f"duration: unknown kind {kind!r}")
    return describe_hours(hours, working=kind == "working")


@register.simple_tag
def history_url(instance):
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return reverse("history", args=[ct.pk, instance.pk])


@register.simple_tag(takes_context=True)
def sort_link(context, key, label):
    """A column heading that sorts by `key`: the first click gives the option's own order (newest first for
    a date), a click on the current column reverses it. The column in force, the default one included,
    shows which way its rows run: ▲ ascending (A to Z, oldest first), ▼ descending (newest first)."""
    current, qs = context.get("sort", ""), context.get("qs_sort", "")
    if current.lstrip("-") != key:
        return format_html('<a href="?{}sort={}" class="text-reset">{}</a>', qs, key, label)
    descending = getattr(current, "descending", current.startswith("-"))
    target = key if current.startswith("-") else "-" + key
    return format_html(
        '<a href="?{}sort={}" class="text-reset" data-sorted="{}">{}<span title="{}"> {}</span></a>',
        qs,
        target,
        "desc" if descending else "asc",
        label,
        _("Sorted in descending order") if descending else _("Sorted in ascending order"),
        "▼" if descending else "▲",
    )


@register.filter
def get_item(mapping, key):
    """Look up a key in a dict from a template."""
    return mapping.get(key) if mapping else None


# A text is folded only when folding hides a good part of it: more than FOLD_AT characters and a fifth.
FOLD_MARGIN = 1.2
FOLD_LINES = 12  # a text of many short lines is as tall as a long one


def text_preview(text: str, limit: int) -> str | None:
    """The first `limit` characters (or FOLD_LINES lines) of a long text, cut at a word; None when the text
    is short enough to show whole."""
    lines = text.splitlines()
    if len(text) <= limit * FOLD_MARGIN and len(lines) <= FOLD_LINES:
        return None
    preview = "\n".join(lines[: FOLD_LINES * 2 // 3])[:limit]
    if len(preview) == limit:
        cut = preview.rfind(" ", limit // 2)
        preview = preview[:cut] if cut > 0 else preview
    return preview.rstrip(" ,;:.-–\n") + "…"


@register.inclusion_tag("core/_long_text.html")
def long_text(text, limit=None):
    """A long text as it reads on a page: whole when short; else its first ~FOLD_AT characters and a
    "Xem thêm" toggle (a <details>, no script) that unfolds the rest and folds it again ("Thu gọn")."""
    text = str(text or "")
    return {"text": text, "preview": text_preview(text, limit or FOLD_AT) if text else None}


@register.simple_tag(takes_context=True)
def record_panels(context, record):
    """The cards other apps add to a record's page (core.registry.register_record_panel)."""
    from django.utils.safestring import mark_safe

    from core.registry import record_panels as panels

    request = context.get("request")
    if request is None:
        return ""
    return mark_safe("".join(panels(request, record)))  # noqa: S308 - rendered templates, autoescaped
