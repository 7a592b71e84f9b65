"""Reads of field visits and opinions, and the opinion search.

The search reads the database's own text index over the folded text (`Opinion.search_text`): on SQLite an
FTS5 table with the trigram tokenizer (`fieldwork_opinion_fts`, kept by triggers), on PostgreSQL a pg_trgm
GIN index, which serves `LIKE '%word%'` directly. Counts stop at `COUNT_CAP`: past it the page says "more
than 1,000" rather than count 200,000 rows.
"""

from collections.abc import Iterator, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, FloatField, IntegerField, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.http import Http404

from core.scoping import visible
from core.text import search_terms
from fieldwork.choices import VisitStatus
from fieldwork.models import Opinion, Visit
from fieldwork.permissions import can_change_visit, can_record_opinions
from followup import selectors as followup_selectors
from followup.models import Directive
from org.models import AdministrativeUnit, Agency, Person

COUNT_CAP = 1000
# The trigram index finds words of three characters or more; shorter ones are matched by LIKE.
TRIGRAM = 3


def visit_list(*, user) -> QuerySet[Visit]:
    """The visits the user may see (the office and the Standing Board all; a leader their own and those to
    the units they reach), with what a row shows."""
    return (
        visible(Visit.objects.active(), user)
        .select_related("leader")
        .prefetch_related(
            Prefetch("localities", queryset=AdministrativeUnit.objects.only("id", "name", "code")),
            Prefetch("agencies", queryset=Agency.objects.only("id", "name", "short_name")),
        )
    )


def map_points(visits: QuerySet[Visit], *, limit: int, since=None, until=None) -> tuple[list[dict], bool]:
    """The visits of a (scoped) set that started between `since` and `until` (either may be left out) and
    were not cancelled, one point per locality visited that has coordinates, newest first, at most `limit`
    (id, title, lat, lng, status, starts_at, leader, place); and whether there were more. One query."""
    through = Visit.localities.through.objects.filter(
        visit__in=visits.order_by().values("pk"),
        administrativeunit__latitude__isnull=False,
        administrativeunit__longitude__isnull=False,
    ).exclude(visit__status=VisitStatus.CANCELLED)
    if since is not None:
        through = through.filter(visit__starts_at__gte=since)
    if until is not None:
        through = through.filter(visit__starts_at__lte=until)
    rows = list(
        through.annotate(
            lat=Cast("administrativeunit__latitude", FloatField()),
            lng=Cast("administrativeunit__longitude", FloatField()),
        )
        .order_by("-visit__starts_at", "-visit_id", "administrativeunit__sort_key", "id").values_list(
            "visit_id", "visit__purpose", "visit__status", "visit__starts_at", "visit__leader__full_name",
            "lat", "lng", "administrativeunit__name",
        )[: limit + 1]
    )  # fmt: skip
    points = [
        {"id": pk, "title": purpose, "status": status, "starts_at": starts_at, "leader": leader or "",
         "lat": float(lat), "lng": float(lng), "place": place or ""}
        for pk, purpose, status, starts_at, leader, lat, lng, place in rows[:limit]
    ]  # fmt: skip
    return points, len(rows) > limit


def get_visit_for_user(*, user, pk: int, action: str = "view") -> Visit:
    """One visit, or 404 for missing and not-yours alike. "change": `can_change_visit`; "opinion":
    `can_record_opinions`."""
    visit = (
        visible(Visit.objects.all(), user)
        .select_related("leader", "organization", "created_by")
        .prefetch_related(
            Prefetch("localities", queryset=AdministrativeUnit.objects.order_by("sort_key", "id")),
            Prefetch("agencies", queryset=Agency.objects.order_by("sort_key", "id")),
            Prefetch("participants", queryset=Person.objects.order_by("sort_key", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    if action == "view":
        return visit
    if visit.archived_at is None:
        if action == "change" and can_change_visit(user, visit):
            return visit
        if action == "opinion" and can_record_opinions(user, visit):
            return visit
    raise Http404


# What a row of the search shows: a search sorts every match, so its rows carry nothing more.
OPINION_ROW = (
    "id",
    "version",
    "organization_id",
    "visit_id",
    "speaker_kind",
    "speaker_name",
    "topic_id",
    "kind",
    "content",
    "locality_id",
    "heard_on",
    "visit__id",
    "visit__purpose",
    "visit__starts_at",
    "visit__leader_id",
    "visit__leader__full_name",
    "topic__name",
    "locality__name",
)


def opinion_list(*, user) -> QuerySet[Opinion]:
    """The opinions the user may see (those of the visits they may see), with what a row shows."""
    return (
        visible(Opinion.objects.active(), user)
        .select_related("visit", "visit__leader", "topic", "locality")
        .only(*OPINION_ROW)
    )


def opinions_of(visit: Visit) -> list[Opinion]:
    """The opinions of a visit already loaded through its gate, in the order they were recorded."""
    return list(
        Opinion.objects.active().filter(visit=visit).select_related("topic", "locality").order_by("id")
    )


def archived_opinions_of(visit: Visit) -> list[Opinion]:
    """The visit's archived opinions (shown folded on its page, to be restored), last archived first."""
    return list(
        Opinion.objects.filter(visit=visit, archived_at__isnull=False)
        .select_related("topic", "locality")
        .order_by("-archived_at", "-id")
    )


def get_opinion_for_user(*, user, pk: int, action: str = "view") -> Opinion:
    """One opinion, or 404 for missing and not-yours alike. "change" (correct, archive, restore, archived or
    not): whoever may record opinions on its visit (`can_record_opinions`: the office, the visit's leader)."""
    opinion = (
        visible(Opinion.objects.all(), user)
        .select_related("visit", "visit__leader", "visit__organization", "topic", "locality")
        .filter(pk=pk)
        .first()
    )
    if opinion is None:
        raise Http404
    if action == "view":
        return opinion
    if action == "change" and can_record_opinions(user, opinion.visit):
        return opinion
    raise Http404


def search_opinions(qs: QuerySet[Opinion], query: str | None) -> QuerySet[Opinion]:
    """The opinions whose folded text holds every word of `query` (diacritics ignored, "đ" as "d"), through
    the database's text index."""
    words = search_terms(query)
    if not words:
        return qs
    long_words = [w for w in words if len(w) >= TRIGRAM]
    for word in words:
        if word not in long_words or connection.vendor != "sqlite":
            qs = qs.filter(search_text__contains=word)
    if long_words and connection.vendor == "sqlite":
        match = " AND ".join('"{}"'.format(w.replace('"', '""')) for w in long_words)
        matches = RawSQL(FTS_MATCH, [match])  # noqa: S611 (a constant statement; the words are a parameter)
        if _many_matches(match):
            # Many matches: walk the live opinions by day (an index that covers the sort) and test each
            # against the matches, rather than fetch every match to sort them. The unary "+" keeps SQLite
            # from looking the matches up one by one.
            walked = RawSQL('+"fieldwork_opinion"."id"', [], output_field=IntegerField())
            return qs.alias(walked_id=walked).filter(walked_id__in=matches)
        qs = qs.filter(pk__in=matches)
    return qs


FTS_MATCH = "SELECT rowid FROM fieldwork_opinion_fts WHERE fieldwork_opinion_fts MATCH %s"
# Past this many matches, a page is found faster by walking the opinions by day.
MANY_MATCHES = 2000


def _many_matches(match: str) -> bool:
    with connection.cursor() as cursor:
        statement = f"SELECT count(*) FROM ({FTS_MATCH} LIMIT {MANY_MATCHES + 1})"  # noqa: S608 (constants)
        cursor.execute(statement, [match])
        return cursor.fetchone()[0] > MANY_MATCHES


def opinion_rows(ids) -> list[Opinion]:
    """The opinions `ids` (already found in the user's scope), whole as a row shows them, in that order."""
    found = {
        o.pk: o
        for o in Opinion.objects.filter(pk__in=ids)
        .select_related("visit", "visit__leader", "topic", "locality")
        .only(*OPINION_ROW)
    }
    return [found[pk] for pk in ids if pk in found]


class SearchPage(Sequence):
    """The matches of a search, read a page at a time: the page's ids by a narrow query (sorting every
    match by its day is cheap without the text and the joins), then those rows whole (`opinion_rows`).
    `count` is what the page says (capped): the paginator reads it rather than count again."""

    def __init__(self, queryset: QuerySet[Opinion], count: int):
        self.queryset, self.count_shown = queryset, count

    def __len__(self) -> int:
        return self.count_shown

    def __getitem__(self, index):
        if isinstance(index, slice):
            return opinion_rows(list(self.queryset.values_list("pk", flat=True)[index]))
        return self[index : index + 1][0]

    def __iter__(self) -> Iterator[Opinion]:
        return self.queryset.iterator(chunk_size=1000)


def capped_count(qs: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """How many rows, counted up to `cap` + 1: (count, more), where `more` says there are more than `cap`
    (COUNT_CAP by default)."""
    cap = COUNT_CAP if cap is None else cap
    found = qs.order_by().values("pk")[: cap + 1].count()
    return min(found, cap), found > cap


def directives_of(*, user, visit: Visit) -> list:
    """The directives given on the visit (followup, with the visit as their source) that the user may see,
    with their status bucket."""
    visit_type = ContentType.objects.get_for_model(Visit)
    # Their ids first, by the source type's index: asked in one query, SQLite walks every directive of the
    # organisation by deadline instead.
    ids = list(
        Directive.objects.filter(source_type=visit_type, source_id=visit.pk).values_list("pk", flat=True)[:50]
    )
    rows = followup_selectors.directive_rows(user=user).filter(pk__in=ids).order_by("deadline", "id")
    return followup_selectors.with_status_buckets(rows)


# --- many sides


def one_side_visits(*, user) -> QuerySet[Visit]:
    """The carried-out visits that heard only one kind of speaker."""
    return visit_list(user=user).filter(status=VisitStatus.CARRIED_OUT, sides_heard=1)


def one_side_tallies(visits: QuerySet[Visit]) -> dict:
    """Per leader and per locality, how many of `visits` heard only one side: two grouped queries."""
    by_leader = list(
        visits.order_by()
        .values("leader_id", "leader__full_name")
        .annotate(visits=Count("pk"))
        .order_by("-visits", "leader__full_name")[:50]
    )
    by_locality = list(
        visits.order_by()
        .filter(localities__isnull=False)
        .values("localities__id", "localities__name")
        .annotate(visits=Count("pk", distinct=True))
        .order_by("-visits", "localities__name")[:50]
    )
    return {"by_leader": by_leader, "by_locality": by_locality}
