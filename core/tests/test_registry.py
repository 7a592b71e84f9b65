"""The menu and the home page are registries: each app adds its entries at start-up, core lists them."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from core import registry

ROLE_GROUPS = ["home", "mine", "followup", "incident_menu", "investment_menu", "fieldwork", "organisation"]
GROUP_LINKS = {
    "mine": ["my_items", "my_incidents"],
    "followup": ["obstacles", "directives", "resupervisions", "notices"],
    "incident_menu": ["incidents", "incident_map", "incident_statistics"],
    "investment_menu": [
        "investment_dashboard",
        "investment_projects",
        "investment_groups",
        "investment_sessions",
    ],
    "fieldwork": ["fieldwork_calendar", "fieldwork_share", "visits", "opinions", "one_side"],
    "organisation": ["units", "agencies", "leaders", "matrix", "responsible"],
    "reports": ["reports_briefing", "reports_issued", "reports_leaders", "reports_rankings", "city_map"],
    "admin": ["calendar", "users"],
}


def shape(items: list[dict]) -> list[tuple[str, list[str]]]:
    return [(item["key"], [child["key"] for child in item.get("children", [])]) for item in items]


@pytest.fixture
def clean_registry():
    """Registrations made by a test are taken back afterwards."""
    kept = (registry._groups, registry._links, registry._panels, registry._action_sources)
    saved = tuple(dict(current) for current in kept)
    yield
    for current, before in zip(kept, saved, strict=True):
        current.clear()
        current.update(before)


def test_each_role_gets_exactly_its_groups_in_order(
    office, leader_user, focal_user, viewer, make_user, hanoi
):
    # Everyone with a role has the city map (under Reports); the office also the briefing and the archive.
    expected = [(key, GROUP_LINKS.get(key, [])) for key in ROLE_GROUPS] + [("reports", ["city_map"])]
    # Whoever writes may report an incident: the menu's first incident entry; a viewer never may.
    writer = [
        (key, ["incident_report", *links] if key == "incident_menu" else links) for key, links in expected
    ]
    # The office (and the Standing Board) read the briefing to the Standing Committee.
    office_only = [("reports", GROUP_LINKS["reports"]), ("admin", GROUP_LINKS["admin"])]
    assert shape(registry.menu_for(office)) == [*writer[:-1], *office_only]
    # Who sees every record (the office, viewers) also sees the visits that heard one side; a leader keeps a
    # calendar, a focal point keeps none but sees the visits to their unit.
    own = [(key, [k for k in links if k != "one_side"]) for key, links in writer]
    assert shape(registry.menu_for(leader_user)) == own
    focal = [(key, ["visits", "opinions"] if key == "fieldwork" else links) for key, links in own]
    assert shape(registry.menu_for(focal_user)) == focal
    assert shape(registry.menu_for(viewer)) == expected
    no_role = make_user("", hanoi, "norole")
    assert shape(registry.menu_for(no_role)) == [("home", []), ("organisation", GROUP_LINKS["organisation"])]


def test_the_links_are_the_apps_urls(office):
    menu = {item["key"]: item for item in registry.menu_for(office)}
    assert menu["home"]["url"] == "/"
    assert [child["url"] for child in menu["admin"]["children"]] == ["/calendar/", "/accounts/users/"]
    assert menu["followup"]["keys"] == {"obstacles", "directives", "resupervisions", "notices"}


def test_the_links_are_reversed_once_then_read_from_memory(office, monkeypatch):
    registry.menu_for(office)
    calls = []
    monkeypatch.setattr(registry, "reverse", lambda name: calls.append(name) or "/elsewhere/")
    menu = {item["key"]: item for item in registry.menu_for(office)}
    assert calls == [] and menu["home"]["url"] == "/"


def test_the_links_follow_the_script_prefix_and_the_urlconf(office):
    from django.urls import set_script_prefix

    try:
        set_script_prefix("/coso/")
        prefixed = {item["key"]: item for item in registry.menu_for(office)}
    finally:
        set_script_prefix("/")
    assert prefixed["home"]["url"] == "/coso/"
    assert prefixed["admin"]["children"][0]["url"] == "/coso/calendar/"
    assert {item["key"]: item for item in registry.menu_for(office)}["home"]["url"] == "/"


@pytest.mark.urls("core.tests.urls_menu")
def test_the_links_follow_an_overridden_root_urlconf(office):
    menu = {item["key"]: item for item in registry.menu_for(office)}
    assert menu["home"]["url"] == "/elsewhere/"


@pytest.mark.usefixtures("clean_registry")
def test_a_registered_link_joins_its_group_in_order_and_follows_its_predicate(office, leader_user):
    registry.register_menu_link(
        "core:calendar", "Extra", key="extra", group="organisation", order=15, visible=registry.is_office
    )
    office_org = dict(shape(registry.menu_for(office)))["organisation"]
    assert office_org == ["units", "extra", "agencies", "leaders", "matrix", "responsible"]
    assert "extra" not in dict(shape(registry.menu_for(leader_user)))["organisation"]


@pytest.mark.usefixtures("clean_registry")
def test_a_group_without_a_visible_link_is_not_shown(office):
    registry.register_menu_group("empty", "Empty", order=50)
    registry.register_menu_link(
        "home", "Hidden", key="hidden", group="empty", order=1, visible=lambda u: False
    )
    assert "empty" not in [key for key, _children in shape(registry.menu_for(office))]


@pytest.mark.usefixtures("clean_registry")
def test_a_link_to_an_unregistered_group_is_a_configuration_error(office):
    registry.register_menu_link("home", "Lost", key="lost", group="nowhere", order=1)
    with pytest.raises(ImproperlyConfigured, match="nowhere"):
        registry.menu_for(office)


def home_panels_of(user) -> list[str]:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return [panel["key"] for panel in response.context["panels"]]


def test_the_home_page_shows_the_registered_panels_in_order(office):
    assert home_panels_of(office) == ["core.today", "reports.leaders", "org.answers", "org.responsible"]


@pytest.mark.usefixtures("clean_registry")
def test_a_registered_panel_renders_its_template_with_its_context(office, leader_user):
    registry.register_home_panel(
        "test.panel",
        "page_header.html",
        context=lambda request: {"title": f"Panel of {request.user.username}"},
        order=15,
        visible=registry.is_office,
    )
    client = Client()
    client.force_login(office)
    response = client.get("/")
    assert [panel["key"] for panel in response.context["panels"]] == [
        "core.today",
        "reports.leaders",
        "org.answers",
        "test.panel",
        "org.responsible",
    ]
    assert "Panel of vanphong" in response.content.decode()
    # A leader with no assignment yet has no "What I answer for" card (it would only say there is none).
    assert home_panels_of(leader_user) == ["core.today", "org.responsible", "fieldwork_share"]


@pytest.mark.usefixtures("clean_registry")
def test_what_to_act_on_comes_from_every_source_late_first_and_never_empty(office):
    def item(key, count, tone):
        return {"key": key, "title": key, "count": count, "url": "/", "tone": tone, "rows": []}

    registry._action_sources.clear()
    registry.register_action_source(
        "first", lambda *, user, now: [item("a.soon", 2, "warning"), item("a.none", 0, "danger")], order=1
    )
    registry.register_action_source(
        "second", lambda *, user, now: [item("b.info", 5, "info"), item("b.late", 1, "danger")], order=2
    )
    found = registry.actions_for(office, timezone.now())
    assert [i["key"] for i in found] == ["b.late", "a.soon", "b.info"]

    client = Client()
    client.force_login(office)
    html = client.get("/").content.decode()
    assert 'data-today="b.late"' in html and 'data-today="a.none"' not in html
    registry._action_sources.clear()
    assert "Hôm nay không có việc nào cần đồng chí xử lý." in client.get("/").content.decode()


# --- a locality's health score ---------------------------------------------------------------------------


def _factor(key, weight, reading):
    return registry.HealthFactor(
        key=key, label=key, weight=weight, provider=lambda **kwargs: reading, rule="", order=weight
    )


def _readings(monkeypatch, *factors):
    monkeypatch.setattr(registry, "_health_factors", {f.key: f for f in factors})
    return registry.locality_health(user=None, unit=None, now=timezone.now())


def test_the_health_score_weighs_the_factors_that_have_something_to_measure(monkeypatch):
    health = _readings(
        monkeypatch,
        _factor("a", 3, registry.HealthReading(score=90, detail="")),
        _factor("b", 1, registry.HealthReading(score=30, detail="")),
        _factor("c", 2, None),  # nothing to measure: left out, neither 0 nor 100
    )
    assert health["score"] == 75  # (3 × 90 + 1 × 30) / 4
    assert health["band"] == "watch"
    assert [f["key"] for f in health["factors"]] == ["b", "c", "a"]  # in the factors' order
    assert health["factors"][1]["reading"] is None


@pytest.mark.parametrize(
    ("score", "band"),
    [(100, "good"), (80, "good"), (79, "watch"), (50, "watch"), (49, "concern"), (0, "concern")],
)
def test_the_bands_of_the_health_score(monkeypatch, score, band):
    health = _readings(monkeypatch, _factor("a", 1, registry.HealthReading(score=score, detail="")))
    assert (health["score"], health["band"]) == (score, band)


def test_a_place_with_nothing_to_measure_has_no_score(monkeypatch):
    health = _readings(monkeypatch, _factor("a", 2, None))
    assert health["score"] is None and health["band"] is None


def test_a_readings_score_rounds_half_up_and_groups_its_numbers():
    reading = registry.health_reading(
        good=1, whole=8, detail="{a} of {b}, {c}", counts={"a": 1, "b": 1234, "c": "x"}, url="/u/"
    )
    assert reading.score == 13  # 12.5 rounds up
    assert reading.detail == "1 of 1.234, x" and reading.url == "/u/"
    assert registry.health_reading(good=2, whole=3, detail="", counts={}).score == 67
    assert registry.health_reading(good=0, whole=0, detail="", counts={}) is None
