"""{% reference ref %}: a link to a record the viewer may see, or "an item out of your reach"."""

from django import template
from django.utils.html import format_html

from core.references import OUT_OF_REACH

register = template.Library()


@register.simple_tag
def reference(ref, text=None, css=""):
    """A core.references.Reference as a link with its title (or `text`), or the out-of-reach words."""
    if not ref:
        return ""
    if not ref.visible:
        return format_html(
            '<span class="text-secondary fst-italic" data-testid="out-of-reach">{}</span>', OUT_OF_REACH
        )
    label = ref.title if text is None else text
    if not ref.url:
        return format_html("{}", label)
    return format_html('<a class="{}" href="{}">{}</a>', css, ref.url, label)
