"""Reusable list pages: pagination, sorting and htmx partial rendering, shared by every list view."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import render


@dataclass(frozen=True)
class SortOption:
    key: str
    label: str
    ordering: tuple[str, ...]


class CurrentSort(str):
    """The sort in force, as ?sort= writes it ("reported", "-reported"), which also knows which way the rows
    run: `descending` is true when its first field runs from the highest (the newest) down. An option's own
    ordering decides that, so "reported" (newest first) is descending and "-reported" ascending."""

    descending: bool

    def __new__(cls, value: str, *, descending: bool):
        sort = super().__new__(cls, value)
        sort.descending = descending
        return sort


def sort_queryset(request, qs: QuerySet, options: list[SortOption]) -> tuple[QuerySet, str]:
    """Apply the ?sort= option (a "-" prefix reverses the option's own ordering); an unknown or missing key
    falls back to the first option, which the returned `CurrentSort` then names."""
    requested = request.GET.get("sort", "")
    key = requested.lstrip("-")
    chosen = next((o for o in options if o.key == key), None)
    reverse = chosen is not None and requested.startswith("-")
    chosen = chosen or (options[0] if options else None)
    if chosen is None:
        return qs, ""
    ordering = list(chosen.ordering)
    if reverse:
        ordering = [f[1:] if f.startswith("-") else "-" + f for f in ordering]
    current = CurrentSort(("-" if reverse else "") + chosen.key, descending=ordering[0].startswith("-"))
    return qs.order_by(*ordering), current


def paginate(request, qs, per_page: int | None = None, count: int | None = None):
    """One page of a queryset; a bad or too large page number gives the last valid page. `count`, when the
    view already knows how many rows there are (from tallies it shows anyway), spares the count query."""
    paginator = Paginator(qs, per_page or settings.COSO_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached property: this is its value
    return paginator.get_page(request.GET.get("page"))


def query_string_without(request, *names: str) -> str:
    """The current query string without some parameters, for pagination and sort links."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    encoded = params.urlencode()
    return encoded + "&" if encoded else ""


def render_list(request, template: str, partial: str, context: dict):
    """Render the whole page, or only the table partial when htmx asks for it."""
    context.setdefault("qs_page", query_string_without(request, "page"))
    context.setdefault("qs_sort", query_string_without(request, "page", "sort"))
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return render(request, partial, context)
    return render(request, template, context)


def first_rows(qs: QuerySet, count: int) -> list:
    """The first `count` records of an ordered queryset, read in two steps: their ids from the table alone,
    then those records with everything the queryset joins and annotates. Where many rows match (28,000
    open incidents at city scale), the database then sorts bare ids instead of joining every matching row
    before it keeps a few (a home page's three overdue incidents: 255 ms → a few ms)."""
    ids = list(qs.values_list("pk", flat=True)[:count])
    if not ids:
        return []
    found = {record.pk: record for record in qs.order_by().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]
