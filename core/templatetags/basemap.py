"""The basemap in templates (core.basemap): a map element's attributes, its scripts, and the notice that
says how to add a basemap when none is configured.

    {% load basemap %}
    {% basemap_assets %}
    <div class="incident-map" {% basemap_attrs %} data-…></div>
    {% basemap_notice %}
"""

from django import template
from django.utils.html import format_html

from core.basemap import basemap

register = template.Library()


@register.simple_tag
def basemap_attrs():
    """`data-basemap` ("pmtiles", "tiles" or empty) and `data-basemap-url`, read by static/coso/basemap.js."""
    chosen = basemap()
    return format_html('data-basemap="{}" data-basemap-url="{}"', chosen.kind, chosen.url)


@register.simple_tag
def basemap_configured() -> bool:
    """`{% basemap_configured as has_basemap %}`: whether a basemap will be drawn."""
    return basemap().configured


@register.inclusion_tag("core/_basemap_assets.html")
def basemap_assets(cluster=False):
    """Leaflet, protomaps-leaflet when the basemap is an archive, markercluster when asked, basemap.js."""
    return {"kind": basemap().kind, "cluster": cluster}


@register.inclusion_tag("core/_basemap_notice.html")
def basemap_notice(css_class=""):
    """How to add a basemap, when there is none (or the archive named cannot be read)."""
    chosen = basemap()
    return {"basemap": chosen, "css_class": css_class}
