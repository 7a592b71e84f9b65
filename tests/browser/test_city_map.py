"""The city map in the browser, at desk and phone width: the basemap read from a PMTiles archive through the
application's Range requests and drawn by protomaps-leaflet, the incidents gathered into clusters, and the
layer control that hides a layer and shows it again."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from core.tests.pmtiles import archive
from incidents import services
from incidents.choices import Severity
from org.models import AdministrativeUnit

from .conftest import login, shot

pytestmark = pytest.mark.browser

# The land colour of protomaps-leaflet's "light" flavour, which the test archive's one tile covers with
# land everywhere; its background (no tile found) is #cccccc.
LAND = "226,223,218"

DRAWN_PIXEL = """() => {
  for (const canvas of document.querySelectorAll("[data-city-map] canvas.leaflet-tile")) {
    if (!canvas.width) continue;
    const d = canvas.getContext("2d").getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data;
    if (d[3] > 0) return [d[0], d[1], d[2]].join(",");
  }
  return false;
}"""

SHOWN = """() => {
  const clusters = [...document.querySelectorAll("[data-city-map] .city-cluster-incidents")];
  return clusters.reduce((n, c) => n + parseInt(c.textContent, 10), 0)
    + document.querySelectorAll("[data-city-map] .city-pin-incident").length;
}"""


def settled(page):
    """Every incident is drawn once, in a cluster or alone, once the cluster layer's animation is over: while
    it zooms, the old cluster icons fade out beside the new ones and the page briefly counts them twice."""
    still = "!document.querySelector('[data-city-map] .leaflet-cluster-anim')"
    page.wait_for_function(f"() => {still} && ({SHOWN})() === 5", timeout=10000)  # raises if it never is


def report(office, ward, title, lat, lng, severity=Severity.NORMAL):
    return services.incident_create(
        actor=office,
        organization=office.organization,
        title=title,
        description="Người dân phản ánh.",
        locality=ward,
        occurred_at=timezone.now(),
        source="citizen",
        field="urban_order",
        severity=severity,
        latitude=lat,
        longitude=lng,
    )


def test_the_map_draws_the_archive_clusters_and_toggles_a_layer(page, settings, tmp_path):
    (tmp_path / "hanoi.pmtiles").write_bytes(archive())
    settings.COSO_MAP_PMTILES = str(tmp_path / "hanoi.pmtiles")
    settings.COSO_MAP_TILE_URL = ""
    office = User.objects.get(username="vanphong")
    ward = AdministrativeUnit.objects.get(name="Phường Hoàn Kiếm")
    for i in range(4):  # four reports a few metres apart: one cluster at any zoom the map fits
        report(office, ward, f"Lấn chiếm vỉa hè số {i}", f"21.02870{i}", "105.852400")
    fallen = report(office, ward, "Cây đổ chắn đường", "21.050000", "105.800000", Severity.URGENT)

    ranges = []
    page.on(
        "response",
        lambda r: (
            ranges.append((r.status, r.request.headers.get("range")))
            if r.url.endswith("/basemap/basemap.pmtiles")
            else None
        ),
    )
    login(page, "vanphong")
    page.goto(page.base_url + "/reports/map/")
    city_map = page.get_by_test_id("city-map")
    expect(city_map).to_have_attribute("data-ready", "1")
    expect(city_map).to_have_attribute("data-points-incidents", "5")
    expect(city_map).to_have_attribute("data-basemap-drawn", "pmtiles")
    expect(page.locator("[data-status-layer=incidents]")).to_contain_text("5")

    # The basemap: read by byte ranges (206), and its tile drawn as land under the points.
    assert page.wait_for_function(DRAWN_PIXEL, timeout=15000).json_value() == LAND
    assert ranges and all(status == 206 and asked.startswith("bytes=") for status, asked in ranges)
    expect(page.get_by_test_id("basemap-notice")).to_have_count(0)

    # The four close reports are one cluster; every incident is on the map, in a cluster or alone.
    expect(city_map.locator(".city-cluster-incidents").first).to_contain_text("4")
    settled(page)
    shot(page, "city-map")

    # The layer control hides the incidents and shows them again.
    control = page.locator(".leaflet-control-layers")
    if page.viewport_name == "phone":  # folded into its button on a phone: it opens when touched
        control.locator(".leaflet-control-layers-toggle").hover(force=True)
        expect(control).to_have_class(re.compile("leaflet-control-layers-expanded"))
    boxes = control.locator("input.leaflet-control-layers-selector")
    expect(boxes).to_have_count(3)
    boxes.nth(0).uncheck()
    expect(city_map.locator(".city-cluster-incidents, .city-pin-incident")).to_have_count(0)
    boxes.nth(0).check()
    expect(city_map.locator(".city-cluster-incidents").first).to_be_visible()
    settled(page)

    # A popup names the incident and links to it.
    city_map.locator(".city-pin-incident").first.click()
    popup = city_map.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Cây đổ chắn đường")
    expect(popup.locator("a").first).to_have_attribute("href", f"/incidents/{fallen.pk}/")
