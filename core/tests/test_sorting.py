"""A sortable column shows which way its rows run: ▼ when the newest (or highest) come first, ▲ when the
oldest (or A) come first, whatever the ?sort= key is called, the default sort included."""

import re

from django.template import Context, Template
from django.test import RequestFactory

from core.listing import SortOption, sort_queryset
from core.models import AuditEvent

OPTIONS = [
    SortOption("reported", "Reported", ("-at", "-id")),  # newest first: its own order descends
    SortOption("code", "Code", ("kind", "id")),
]
HEADINGS = Template('{% load coso %}{% sort_link "reported" "Reported" %}|{% sort_link "code" "Code" %}')


def sort(query: str = ""):
    request = RequestFactory().get("/list/" + query)
    queryset, current = sort_queryset(request, AuditEvent.objects.all(), OPTIONS)
    return list(queryset.query.order_by), current


def headings(current) -> list[tuple[str, str | None, str]]:
    """(href's sort, direction shown, arrow) of each heading."""
    html = HEADINGS.render(Context({"sort": current, "qs_sort": ""}))
    found = []
    for link in html.split("|"):
        target = re.search(r"sort=([\w-]+)", link).group(1)
        direction = re.search(r'data-sorted="(\w+)"', link)
        arrow = "▼" if "▼" in link else "▲" if "▲" in link else ""
        found.append((target, direction.group(1) if direction else None, arrow))
    return found


def test_the_default_sort_is_named_and_runs_its_own_way():
    ordering, current = sort()
    assert ordering == ["-at", "-id"] and current == "reported" and current.descending
    # The date column of a newest-first list points down; a click gives the oldest first.
    assert headings(current) == [("-reported", "desc", "▼"), ("code", None, "")]


def test_reversing_a_newest_first_sort_points_up():
    ordering, current = sort("?sort=-reported")
    assert ordering == ["at", "id"] and current == "-reported" and not current.descending
    assert headings(current) == [("reported", "asc", "▲"), ("code", None, "")]


def test_an_a_to_z_sort_points_up_and_its_reverse_down():
    ordering, current = sort("?sort=code")
    assert ordering == ["kind", "id"] and not current.descending
    assert headings(current) == [("reported", None, ""), ("-code", "asc", "▲")]
    ordering, current = sort("?sort=-code")
    assert ordering == ["-kind", "-id"] and current.descending
    assert headings(current) == [("reported", None, ""), ("code", "desc", "▼")]


def test_an_unknown_key_falls_back_to_the_default_in_its_own_direction():
    for query in ("?sort=bogus", "?sort=-bogus", "?sort=-"):
        ordering, current = sort(query)
        assert ordering == ["-at", "-id"] and current == "reported" and current.descending
