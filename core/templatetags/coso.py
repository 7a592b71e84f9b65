"""Template helpers: money in đồng, history links, sort headers."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html

from core.money import format_scaled, format_vnd

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


@register.simple_tag
def history_url(instance):
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return reverse("history", args=[ct.pk, instance.pk])


@register.simple_tag(takes_context=True)
def sort_link(context, key, label):
    """A column heading that sorts by `key`, toggling the direction."""
    current = context.get("sort", "")
    descending = current == key
    arrow = " ▲" if current == key else (" ▼" if current == "-" + key else "")
    target = ("-" if descending else "") + key
    qs = context.get("qs_sort", "")
    return format_html('<a href="?{}sort={}" class="text-reset">{}{}</a>', qs, target, label, arrow)


@register.filter
def get_item(mapping, key):
    """Look up a key in a dict from a template."""
    return mapping.get(key) if mapping else None
