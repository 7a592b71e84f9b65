"""What the apps contribute to the shared pages: the menu and the panels of the home page.

Core keeps the mechanism and names no app above it. Each app registers its own entries from its
`AppConfig.ready()`, with an order and a predicate on the user, and the pages list what the user may see:

    register_menu_group("followup", _("Follow-up"), order=20, visible=has_role)
    register_menu_link("followup:obstacle_list", _("Obstacles"), key="obstacles", group="followup", order=10)
    register_home_panel("org.answers", "org/_home_answers.html", context=answers_context, order=10)

The navigation is a handful of groups, so that it fits on one line of a 1366-pixel screen: each entry is a
link (`url`) or a menu of links (`children`). A page marks where it is with its `nav` key; the group that
holds that key is shown as active. A group with no link the user may see is not shown.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.formats import number_format

UserPredicate = Callable[[object], bool]


def everyone(user) -> bool:
    return True


def has_role(user) -> bool:
    """Any role at all: a signed-in user without a role sees only the organisation's reference pages."""
    return bool(user.role)


def is_office(user) -> bool:
    return bool(user.is_office)


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: object
    order: int
    visible: UserPredicate


@dataclass(frozen=True)
class MenuLink:
    url_name: str
    label: object
    key: str
    group: str | None
    order: int
    visible: UserPredicate


_groups: dict[str, MenuGroup] = {}
_links: dict[str, MenuLink] = {}


def register_menu_group(key: str, label, *, order: int, visible: UserPredicate = everyone) -> MenuGroup:
    """A menu of links in the navigation bar (registering the same key again replaces it)."""
    group = MenuGroup(key=key, label=label, order=order, visible=visible)
    _groups[key] = group
    return group


def register_menu_link(
    url_name: str, label, *, key: str, group: str | None = None, order: int, visible: UserPredicate = everyone
) -> MenuLink:
    """A link, inside `group` or (without one) on the navigation bar itself. `key` is the page's `nav`."""
    link = MenuLink(url_name=url_name, label=label, key=key, group=group, order=order, visible=visible)
    _links[key] = link
    return link


# The menu's URLs, reversed once per process: by URL name, script prefix and URL configuration (a
# deployment under a path prefix, a request with a URLconf of its own, a test overriding ROOT_URLCONF).
_urls: dict[tuple, str] = {}


def _url(url_name: str) -> str:
    key = (url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = reverse(url_name)
    return url


def _link(link: MenuLink) -> dict:
    return {"url": _url(link.url_name), "label": link.label, "key": link.key}


def menu_for(user) -> list[dict]:
    """The navigation of a signed-in user, in order: links and groups of links."""
    for link in _links.values():
        if link.group is not None and link.group not in _groups:
            raise ImproperlyConfigured(
                f"The menu link {link.key!r} names no registered group {link.group!r}."
            )
    entries: list[tuple[int, dict]] = []
    for link in _links.values():
        if link.group is None and link.visible(user):
            entries.append((link.order, _link(link)))
    for group in _groups.values():
        if not group.visible(user):
            continue
        links = sorted(
            (link for link in _links.values() if link.group == group.key and link.visible(user)),
            key=lambda link: link.order,
        )
        if not links:
            continue
        children = [_link(link) for link in links]
        entries.append(
            (
                group.order,
                {
                    "label": group.label,
                    "key": group.key,
                    "children": children,
                    "keys": {child["key"] for child in children},
                },
            )
        )
    return [entry for _order, entry in sorted(entries, key=lambda pair: pair[0])]


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    context: Callable[[object], dict]
    order: int
    css_class: str
    visible: UserPredicate


_panels: dict[str, HomePanel] = {}


def register_home_panel(
    key: str,
    template: str,
    *,
    context: Callable[[object], dict],
    order: int,
    css_class: str = "col-lg-8",
    visible: UserPredicate = everyone,
) -> HomePanel:
    """A card of the home page: `template` rendered with the home's context and `context(request)`."""
    panel = HomePanel(
        key=key, template=template, context=context, order=order, css_class=css_class, visible=visible
    )
    _panels[key] = panel
    return panel


def home_panels(request, base: dict) -> list[dict]:
    """The home page's panels that the user may see, in order, each rendered to HTML; a panel whose template
    renders nothing for the user is left out."""
    panels = []
    for panel in sorted(_panels.values(), key=lambda panel: panel.order):
        if not panel.visible(request.user):
            continue
        html = render_to_string(panel.template, {**base, **panel.context(request)}, request=request)
        if not html.strip():  # a card with nothing to say for this user (a leader with no assignment)
            continue
        panels.append({"key": panel.key, "css_class": panel.css_class, "html": html})
    return panels


# --- what needs action today: the top of every home page ---------------------------------------------------
# Each app says what the user must act on in it (directives overdue, incidents waiting to be accepted, visits
# coming up); the home page lists them first, for every role, each with its count and the way to its list.


@dataclass(frozen=True)
class ActionSource:
    key: str
    provider: Callable[..., list[dict]]
    order: int


_action_sources: dict[str, ActionSource] = {}

ACTION_TONES = ("danger", "warning", "info")


def register_action_source(key: str, provider: Callable[..., list[dict]], order: int) -> ActionSource:
    """What a user must act on in an app. `provider(*, user, now)` returns a list of items
    `{"key", "title", "count", "url", "tone", "rows": [{"text", "url", "note"}]}`: `tone` is "danger"
    (late), "warning" (due soon) or "info"; `rows` are the first few, the most urgent first. The provider
    reads only what the user may see, in a fixed number of queries; items with a count of 0 are not shown."""
    source = ActionSource(key=key, provider=provider, order=order)
    _action_sources[key] = source
    return source


def actions_for(user, now) -> list[dict]:
    """The user's items needing action, from every app in order, the late ones first."""
    items = []
    for source in sorted(_action_sources.values(), key=lambda source: source.order):
        items.extend(item for item in source.provider(user=user, now=now) if item["count"])
    return sorted(items, key=lambda item: ACTION_TONES.index(item["tone"]))


# --- panels on a record's page --------------------------------------------------------------------------
# An app adds a card to another app's record page (a leader's calendar feed on the person's page) without
# the owning app knowing it: the page renders `{% record_panels obj %}`.


@dataclass(frozen=True)
class RecordPanel:
    key: str
    model: str  # the model's label, lower case: "org.person"
    template: str
    context: Callable[[object, object], dict]  # (request, record) -> the template's context
    order: int
    visible: Callable[[object, object], bool]  # (user, record) -> shown or not


_record_panels: dict[str, RecordPanel] = {}


def register_record_panel(
    key: str,
    model: str,
    template: str,
    *,
    context: Callable[[object, object], dict],
    order: int,
    visible: Callable[[object, object], bool],
) -> RecordPanel:
    """A card on the pages of `model`'s records, rendered with `context(request, record)` when
    `visible(user, record)`."""
    panel = RecordPanel(
        key=key, model=model.lower(), template=template, context=context, order=order, visible=visible
    )
    _record_panels[key] = panel
    return panel


def record_panels(request, record) -> list[str]:
    """The cards other apps put on a record's page, in order, rendered to HTML."""
    label = record._meta.label_lower
    html = []
    for panel in sorted(_record_panels.values(), key=lambda p: p.order):
        if panel.model == label and panel.visible(request.user, record):
            html.append(render_to_string(panel.template, panel.context(request, record), request=request))
    return html


# --- a locality's health score: each app's factor, weighed together ------------------------------------
# A commune's or ward's page shows one number from 0 to 100 (docs/locality-health.md): each app scores what it
# knows of the place (its incidents, its directives, ...) from 0 to 100, and the score is the average of the
# factors that have something to measure, weighed by their weights. A factor with nothing to measure (no
# incident there at all) is left out rather than counted as perfect or as failed.

HEALTH_GOOD = 80  # from here up the place reads "good" (green)
HEALTH_WATCH = 50  # from here up to HEALTH_GOOD "needs attention" (amber); under it "of concern" (red)


@dataclass(frozen=True)
class HealthFactor:
    key: str
    label: object
    weight: int
    provider: Callable[..., "HealthReading | None"]  # (*, user, unit, now) -> a reading, or None
    rule: object  # how the factor is scored, in words, shown on the page
    order: int


@dataclass(frozen=True)
class HealthReading:
    score: int  # 0 to 100, higher is better
    detail: str  # the counts it stands on, in words
    url: str = ""  # the list behind it


_health_factors: dict[str, HealthFactor] = {}


def register_health_factor(
    key: str, label, *, weight: int, provider: Callable[..., HealthReading | None], rule, order: int
) -> HealthFactor:
    """A factor of a locality's health score: `provider(*, user, unit, now)` reads what `user` may see of
    the place and returns a HealthReading, or None when there is nothing to measure."""
    factor = HealthFactor(key=key, label=label, weight=weight, provider=provider, rule=rule, order=order)
    _health_factors[key] = factor
    return factor


def health_reading(*, good: int, whole: int, detail, counts: dict, url: str = "") -> HealthReading | None:
    """A factor's reading: `good` of `whole` as a score from 0 to 100 (rounded half up), and `detail` (a
    text with {names}) filled with `counts`, whole numbers grouped as the language writes them; None when
    `whole` is 0, nothing to measure."""
    if not whole:
        return None
    grouped = {
        key: number_format(value, force_grouping=True) if isinstance(value, int) else value
        for key, value in counts.items()
    }
    score = (200 * good + whole) // (2 * whole)
    return HealthReading(score=score, detail=str(detail).format(**grouped), url=url)


def locality_health(*, user, unit, now) -> dict:
    """The score of a locality as `user` may see it: {"score", "band", "factors": [...]}; "score" and "band"
    are None when no factor has anything to measure. Each factor: its label, weight, rule and reading."""
    factors, weighed, weights = [], 0, 0
    for factor in sorted(_health_factors.values(), key=lambda f: f.order):
        reading = factor.provider(user=user, unit=unit, now=now)
        factors.append(
            {
                "key": factor.key,
                "label": factor.label,
                "weight": factor.weight,
                "rule": factor.rule,
                "reading": reading,
            }
        )
        if reading is not None:
            weighed += reading.score * factor.weight
            weights += factor.weight
    score = (2 * weighed + weights) // (2 * weights) if weights else None
    if score is None:
        band = None
    elif score >= HEALTH_GOOD:
        band = "good"
    elif score >= HEALTH_WATCH:
        band = "watch"
    else:
        band = "concern"
    return {"score": score, "band": band, "factors": factors, "good": HEALTH_GOOD, "watch": HEALTH_WATCH}


# --- the briefing of a field visit: what each app knows about the places to be visited -----------------


@dataclass(frozen=True)
class BriefingSection:
    key: str
    title: object
    provider: Callable[..., dict]
    order: int


_briefing_sections: dict[str, BriefingSection] = {}


def register_briefing_section(key: str, title, provider: Callable[..., dict], order: int) -> BriefingSection:
    """A section of a visit's briefing. `provider(*, user, localities, agencies, on)` returns
    `{"figures": [{"label", "value"}], "lines": [{"text", "url", "note"}]}` (plain JSON: it is stored with
    the visit as it was when prepared); `localities` and `agencies` are lists of ids, their sub-units
    included by the provider where it means to."""
    section = BriefingSection(key=key, title=title, provider=provider, order=order)
    _briefing_sections[key] = section
    return section


def briefing_sections() -> list[BriefingSection]:
    return sorted(_briefing_sections.values(), key=lambda section: section.order)


def build_briefing(*, user, localities, agencies, on) -> dict:
    """Every registered section, in order, each as the user may see it: {"sections": [...]}. It is kept as
    prepared, so its words are written in the organisation's language (the default one), whoever asks."""
    with translation.override(settings.LANGUAGE_CODE):
        return {"on": on.isoformat(), "sections": _sections(user, list(localities), list(agencies), on)}


def _sections(user, localities: list, agencies: list, on) -> list[dict]:
    sections = []
    for section in briefing_sections():
        content = section.provider(user=user, localities=localities, agencies=agencies, on=on)
        sections.append(
            {
                "key": section.key,
                "title": str(section.title),
                "figures": list(content.get("figures", [])),
                "lines": list(content.get("lines", [])),
            }
        )
    return sections


# --- ordering of what apps register ------------------------------------------------------------------------


def in_app_order(functions: list) -> list:
    """Registered functions (demo steps, seeders) in the order of INSTALLED_APPS, each app's own in the order
    it registered them, whichever module a test or a command happened to import first: an app's data may rest
    on the apps before it (a visit's briefing reads the incidents; a seeder skips what is already there)."""
    from django.apps import apps

    names = [config.name for config in apps.get_app_configs()]

    def app_index(function) -> int:
        module = function.__module__
        return next(
            (i for i, name in enumerate(names) if module == name or module.startswith(name + ".")), len(names)
        )

    return sorted(functions, key=app_index)
