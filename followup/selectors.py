"""Reads of the follow-up loop: scoped to the user, with status buckets and ages computed in SQL."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from core.models import Attachment
from core.scoping import visible
from core.toolkit import can_write
from followup.choices import (
    OPEN_OBSTACLE_STATUSES,
    UNRESOLVED_OBSTACLE_STATUSES,
    ObstacleStatus,
    SourceKind,
    StatusBucket,
    Verdict,
)
from followup.filters import DirectiveFilterSet, NoticeFilterSet, ObstacleFilterSet, ReSupervisionFilterSet
from followup.models import ConclusionNotice, Directive, Obstacle, ProgressReport, ReSupervision
from org.models import Agency


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _filtered(filterset_class, qs: QuerySet, filters) -> QuerySet:
    """The list's own FilterSet applied to `filters` (a dict or a query string's dict), as the page reads it;
    no filters, the scoped rows as they are."""
    return filterset_class(filters, queryset=qs).qs if filters else qs


# --- status buckets -------------------------------------------------------------------------------


def directive_overdue(today: dt.date) -> Q:
    """Overdue and not done: nobody has reported it done and the deadline has passed. The one definition,
    used by the buckets, the lists, the reminders and the exports."""
    return Q(completed_on__isnull=True, deadline__lt=today)


def obstacle_overdue(today: dt.date) -> Q:
    """An obstacle not yet resolved whose deadline has passed (a resolved one waits for its check instead)."""
    return Q(status__in=UNRESOLVED_OBSTACLE_STATUSES, deadline__lt=today)


def bucket_expression(today: dt.date):
    """The directive's status bucket as one SQL expression, so lists filter and count by it.

    A completion the unit reports counts as done (on time or late, by the day of its report) only once it
    is confirmed, or once the directive is closed (a re-supervision settled it, and nobody can confirm a
    closed directive any more); until then it is "reported done, awaiting confirmation".
    """
    has_report = Exists(ProgressReport.objects.filter(directive=OuterRef("pk")))
    return Case(
        When(
            completed_on__isnull=False,
            completion_confirmed_on__isnull=True,
            closed_on__isnull=True,
            then=Value(StatusBucket.AWAITING_CONFIRMATION),
        ),
        When(
            completed_on__isnull=False, completed_on__lte=F("deadline"), then=Value(StatusBucket.DONE_ON_TIME)
        ),
        When(completed_on__isnull=False, then=Value(StatusBucket.DONE_LATE)),
        When(directive_overdue(today), then=Value(StatusBucket.OVERDUE)),
        When(has_report, then=Value(StatusBucket.IN_PROGRESS)),
        default=Value(StatusBucket.NOT_DUE),
    )


def status_bucket(
    *,
    deadline: dt.date,
    completed_on: dt.date | None,
    has_report: bool,
    today: dt.date,
    confirmed_on: dt.date | None = None,
    closed_on: dt.date | None = None,
) -> str:
    """The same rule in Python, for one directive (the SQL expression and this must agree)."""
    if completed_on is not None:
        if confirmed_on is None and closed_on is None:
            return StatusBucket.AWAITING_CONFIRMATION
        return StatusBucket.DONE_ON_TIME if completed_on <= deadline else StatusBucket.DONE_LATE
    if deadline < today:
        return StatusBucket.OVERDUE
    return StatusBucket.IN_PROGRESS if has_report else StatusBucket.NOT_DUE


# --- directives -----------------------------------------------------------------------------------


_report_counts = (
    ProgressReport.objects.filter(directive=OuterRef("pk"))
    .order_by()
    .values("directive")
    .annotate(n=Count("pk"))
    .values("n")
)


def directive_list(
    *, user, filters: dict | None = None, today: dt.date | None = None, include_archived: bool = False
) -> QuerySet[Directive]:
    """Directives the user may see, with `status_bucket` and `report_count`, filtered like the page."""
    day = _today(today)
    qs = visible(Directive.objects.all(), user)
    if not include_archived:
        qs = qs.active()
    qs = (
        qs.select_related("issued_by", "lead_unit", "locality", "parent", "source_type")
        .prefetch_related("cooperating_units")
        .annotate(status_bucket=bucket_expression(day))
        # A subquery, not a join: a join grouped by directive made every list, count and bucket tally
        # aggregate all the progress reports of the organisation (1 s at 100,000 directives).
        .annotate(report_count=Coalesce(Subquery(_report_counts, output_field=IntegerField()), 0))
    )
    return _filtered(DirectiveFilterSet, qs, filters)


def directive_rows(*, user, include_archived: bool = False) -> QuerySet[Directive]:
    """Directives the user may see, with their lead unit and `has_report`, for a page that names a few of
    them (an incident's directives) rather than listing them: without the lists' SQL status bucket and
    report count, whose expressions cost Django more to build than such a page's query takes to run.
    `with_status_buckets` gives them their buckets."""
    qs = visible(Directive.objects.all(), user)
    if not include_archived:
        qs = qs.active()
    return qs.select_related("lead_unit").annotate(
        has_report=Exists(ProgressReport.objects.filter(directive=OuterRef("pk")))
    )


def with_status_buckets(directives, today: dt.date | None = None) -> list[Directive]:
    """The directives of `directive_rows`, each with its `status_bucket` by the rule in Python."""
    day = _today(today)
    rows = list(directives)
    for directive in rows:
        directive.status_bucket = status_bucket(
            deadline=directive.deadline,
            completed_on=directive.completed_on,
            confirmed_on=directive.completion_confirmed_on,
            closed_on=directive.closed_on,
            has_report=directive.has_report,
            today=day,
        )
    return rows


def get_directive_for_user(*, user, pk: int, action: str = "view") -> Directive:
    """One directive, or 404 for missing and for not-yours alike.

    "report": the lead unit's focal point (or the office); "change": the office or the issuing leader.
    """
    directive = directive_list(user=user, include_archived=True).filter(pk=pk).order_by().first()
    if directive is None:
        raise Http404
    if action == "view":
        return directive
    if action == "report" and may_report_progress(user, directive):
        return directive
    if action == "change" and may_change_directive(user, directive):
        return directive
    raise Http404


def may_report_progress(user, directive: Directive) -> bool:
    """The lead unit's focal point (anyone of the lead unit), or the office."""
    return can_write(user) and (
        user.is_office or bool(user.agency_id and user.agency_id == directive.lead_unit_id)
    )


def may_change_directive(user, directive: Directive) -> bool:
    """The office, or the leader who issued it (who also confirms or returns its reported completion)."""
    person = getattr(user, "person", None)
    return can_write(user) and (
        user.is_office or (person is not None and person.pk == directive.issued_by_id)
    )


def bucket_counts(qs: QuerySet[Directive]) -> dict[str, int]:
    """How many directives of a (filtered) list fall in each bucket: one query."""
    # No DISTINCT: the list joins nothing that repeats a directive (scoping and filters use subqueries).
    rows = qs.order_by().values("status_bucket").annotate(n=Count("pk"))
    counts = {bucket: 0 for bucket in StatusBucket.values}
    counts.update({row["status_bucket"]: row["n"] for row in rows})
    return counts


# --- obstacles ------------------------------------------------------------------------------------


def obstacle_list(
    *, user, filters: dict | None = None, today: dt.date | None = None, include_archived: bool = False
) -> QuerySet[Obstacle]:
    """Obstacles the user may see, with `is_overdue` (0/1), filtered like the page."""
    day = _today(today)
    qs = visible(Obstacle.objects.all(), user)
    if not include_archived:
        qs = qs.active()
    qs = qs.select_related("locality", "agency", "responsible_agency", "raised_by").annotate(
        is_overdue=Case(
            When(obstacle_overdue(day), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    return _filtered(ObstacleFilterSet, qs, filters)


def open_obstacles_about(
    *, user, model, ids, statuses=OPEN_OBSTACLE_STATUSES, limit: int = 50
) -> list[Obstacle]:
    """The open obstacles the user may see whose subject is one of `ids` (records of `model`, or a query of
    their ids), newest first. Their ids are found first, by the subject's index: asked in one query, SQLite
    walks every obstacle of the organisation by date instead."""
    subject_type = ContentType.objects.get_for_model(model)
    found = list(
        Obstacle.objects.filter(
            subject_type=subject_type, subject_id__in=ids, status__in=statuses
        ).values_list("pk", flat=True)
    )
    return list(obstacle_list(user=user).filter(pk__in=found).order_by("-raised_on", "-id")[:limit])


def get_obstacle_for_user(*, user, pk: int, action: str = "view") -> Obstacle:
    """One obstacle, or 404. "change": the office, the leader in charge of its place, or whoever raised it;
    "resolve": also the resolving agency's focal point."""
    obstacle = obstacle_list(user=user, include_archived=True).filter(pk=pk).order_by().first()
    if obstacle is None:
        raise Http404
    if action == "view":
        return obstacle
    if action == "resolve" and may_resolve_obstacle(user, obstacle):
        return obstacle
    if action == "change" and may_change_obstacle(user, obstacle):
        return obstacle
    raise Http404


# The moves a resolving agency's focal point may make; every other move needs may_change_obstacle.
RESOLVE_MOVES = (ObstacleStatus.RESOLVING, ObstacleStatus.RESOLVED)


def may_change_obstacle(user, obstacle: Obstacle) -> bool:
    """The office, whoever sees everything, whoever raised it, or a leader who reaches its place or unit."""
    if not can_write(user):
        return False
    if user.is_office or user.sees_all:
        return True
    person = getattr(user, "person", None)
    if person is not None and person.pk == obstacle.raised_by_id:
        return True
    from core.scoping import reach_of

    reach = reach_of(user)
    return user.role != "focal_point" and (
        obstacle.locality_id in reach.locality_ids or obstacle.agency_id in reach.agency_ids
    )


def may_edit_obstacle(user, obstacle: Obstacle) -> bool:
    """Its fields are corrected by those who may change it, until it is verified or closed."""
    final = (ObstacleStatus.VERIFIED, ObstacleStatus.CLOSED)
    return obstacle.status not in final and may_change_obstacle(user, obstacle)


def may_resolve_obstacle(user, obstacle: Obstacle) -> bool:
    """Those who may change it, and the focal point of the agency that must resolve it."""
    if may_change_obstacle(user, obstacle):
        return True
    return can_write(user) and bool(user.agency_id) and user.agency_id == obstacle.responsible_agency_id


def may_move_obstacle(user, obstacle: Obstacle, status: str) -> bool:
    """Whether the user may make this move (the workflow itself is checked by the service)."""
    if status in RESOLVE_MOVES:
        return may_resolve_obstacle(user, obstacle)
    return may_change_obstacle(user, obstacle)


def obstacle_summary(qs: QuerySet[Obstacle], by: str) -> list[dict]:
    """Open, overdue and escalated counts grouped by category, level, agency or locality: one query."""
    field = {
        "category": "category",
        "level": "resolution_level",
        "agency": "responsible_agency__name",
        "locality": "locality__name",
    }[by]
    open_q = Q(status__in=OPEN_OBSTACLE_STATUSES)
    return list(
        qs.order_by()
        .values(key=F(field))
        .annotate(
            total=Count("pk", distinct=True),
            open=Count("pk", filter=open_q, distinct=True),
            overdue=Count("pk", filter=open_q & Q(is_overdue=1), distinct=True),
            escalated=Count("pk", filter=Q(escalated_on__isnull=False) & open_q, distinct=True),
        )
        .order_by("-open", "key")
    )


def obstacle_age_days(obstacle: Obstacle, today: dt.date | None = None) -> int:
    """Days an obstacle has been (or was) open."""
    end = obstacle.verified_on or obstacle.closed_on or _today(today)
    return max(0, (end - obstacle.raised_on).days)


def days_since_escalation(obstacle: Obstacle, today: dt.date | None = None) -> int | None:
    if not obstacle.escalated_on:
        return None
    end = obstacle.decided_on or _today(today)
    return max(0, (end - obstacle.escalated_on).days)


# --- re-supervision -------------------------------------------------------------------------------


def resupervision_list(*, user, filters: dict | None = None) -> QuerySet[ReSupervision]:
    qs = visible(ReSupervision.objects.all(), user).select_related(
        "directive", "obstacle", "assigned_to", "follow_up", "supersedes", "locality", "agency", "recorded_by"
    )
    return _filtered(ReSupervisionFilterSet, qs, filters)


def get_resupervision_for_user(*, user, pk: int, action: str = "view") -> ReSupervision:
    """One check, or 404. "record": the office, the Standing Board, or the leader assigned to check."""
    check = resupervision_list(user=user).filter(pk=pk).first()
    if check is None:
        raise Http404
    if action == "view" or (action == "record" and may_record_check(user, check)):
        return check
    raise Http404


def may_record_check(user, check: ReSupervision) -> bool:
    """The office, the Standing Board, or the leader assigned to check; never a focal point."""
    if not can_write(user) or user.role == "focal_point":
        return False
    person = getattr(user, "person", None)
    return bool(
        user.is_office
        or user.role == "standing_board"
        or (person is not None and person.pk == check.assigned_to_id)
    )


def chain_of(directive: Directive) -> list[Directive]:
    """The chain a directive belongs to, from the first directive to the latest follow-up (one query per link,
    bounded by the chain's length, which re-supervision keeps short)."""
    first = directive
    seen = {first.pk}
    while first.parent_id and first.parent_id not in seen:
        first = Directive.objects.get(pk=first.parent_id)
        seen.add(first.pk)
    chain = [first]
    while True:
        nxt = Directive.objects.filter(parent=chain[-1]).order_by("issued_on", "id").first()
        if nxt is None or nxt.pk in {d.pk for d in chain}:
            break
        chain.append(nxt)
    return chain


def directive_chain(*, user, directive: Directive) -> tuple[list, list[tuple], list]:
    """The chain a directive belongs to, each link as (the directive, or None when out of the user's reach,
    and its checks), and the directive's own checks: a query for the visible links, one for their checks."""
    chain = chain_of(directive)
    visible = {
        d.pk: d for d in directive_list(user=user, include_archived=True).filter(pk__in=[d.pk for d in chain])
    }
    chain_checks: dict[int, list] = {}
    for check in (
        resupervision_list(user=user).filter(directive_id__in=list(visible)).order_by("due_on", "id")
    ):
        chain_checks.setdefault(check.directive_id, []).append(check)
    checks = chain_checks.get(directive.pk, [])
    rows = [(visible.get(d.pk), chain_checks.get(d.pk, [])) for d in chain]
    return chain, rows, checks


# --- what a detail page shows beside its record ---------------------------------------------------


def obstacle_directive_rows(user, obstacle, checks) -> list[tuple]:
    """The directives issued for an obstacle and their follow-ups, depth first, with their checks.

    One query per generation of follow-ups (re-supervision keeps chains short), whatever their number.
    """
    spawned = [c.follow_up_id for c in checks if c.follow_up_id]
    found = {
        d.pk: d
        for d in directive_list(user=user, include_archived=True).filter(
            Q(source_kind=SourceKind.OBSTACLE, source_id=obstacle.pk) | Q(pk__in=spawned)
        )
    }
    roots = sorted(found.values(), key=lambda d: (d.issued_on, d.pk))
    frontier = list(found)
    while frontier:
        children = [
            d
            for d in directive_list(user=user, include_archived=True).filter(parent_id__in=frontier)
            if d.pk not in found
        ]
        found.update({d.pk: d for d in children})
        frontier = [d.pk for d in children]
    checks_by_directive: dict[int, list] = {}
    for check in resupervision_list(user=user).filter(directive_id__in=list(found)):
        checks_by_directive.setdefault(check.directive_id, []).append(check)
    children_of: dict[int, list] = {}
    for d in sorted(found.values(), key=lambda d: (d.issued_on, d.pk)):
        if d.parent_id in found:
            children_of.setdefault(d.parent_id, []).append(d)
    rows, seen = [], set()

    def walk(directive, depth):
        if directive.pk in seen:
            return
        seen.add(directive.pk)
        rows.append((directive, min(depth, 4), checks_by_directive.get(directive.pk, [])))
        for child in children_of.get(directive.pk, []):
            walk(child, depth + 1)

    for root in roots:
        if root.parent_id not in found:
            walk(root, 0)
    return rows


def report_attachments(reports) -> dict[int, list]:
    """The evidence files of a page of progress reports: one query."""
    if not reports:
        return {}
    ct = ContentType.objects.get_for_model(ProgressReport)
    files: dict[int, list] = {}
    for attachment in Attachment.objects.filter(
        content_type=ct, object_id__in=[str(r.pk) for r in reports]
    ).order_by("uploaded_at", "id"):
        files.setdefault(int(attachment.object_id), []).append(attachment)
    return files


def chain_head(first):
    """The obstacle a chain of directives starts from, if any (directly, or through a check of it)."""
    source = first.source if first.source_type_id else None
    if first.source_kind == SourceKind.OBSTACLE:
        return source
    if first.source_kind == SourceKind.RESUPERVISION and source is not None and source.obstacle_id:
        return source.obstacle
    return None


# --- re-supervision -------------------------------------------------------------------------------


def checked_directive_bucket(user, check) -> str | None:
    """The status bucket of the directive a check is about (None for an obstacle)."""
    if not check.directive_id:
        return None
    row = directive_list(user=user, include_archived=True).filter(pk=check.directive_id).first()
    return row.status_bucket if row else None


# --- conclusion notices ---------------------------------------------------------------------------


def notice_list(*, user, filters: dict | None = None) -> QuerySet[ConclusionNotice]:
    # Counted among the directives the user may see: a focal point learns nothing of other units' work.
    counted = (
        visible(Directive.objects.active(), user)
        .filter(source_type=ContentType.objects.get_for_model(ConclusionNotice), source_id=OuterRef("pk"))
        .order_by()
        .values("source_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        visible(ConclusionNotice.objects.all(), user)
        .active()
        .annotate(directive_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
    )
    return _filtered(NoticeFilterSet, qs, filters)


def get_notice_for_user(*, user, pk: int, action: str = "view") -> ConclusionNotice:
    """One notice, or 404; "change" (importing its directives): the office."""
    notice = visible(ConclusionNotice.objects.all(), user).filter(pk=pk).first()
    if notice is None or (action != "view" and not may_import_directives(user, notice)):
        raise Http404
    return notice


def may_manage_notices(user) -> bool:
    """The office enters the Standing Committee's conclusion notices."""
    return bool(getattr(user, "is_office", False))


def may_import_directives(user, notice: ConclusionNotice) -> bool:
    """The office imports a notice's directives from a sheet."""
    return may_manage_notices(user)


# --- my items -------------------------------------------------------------------------------------


def my_items(*, user, today: dt.date | None = None) -> dict:
    """What a user must do: their directives and checks, what is overdue, what is due this week; and
    `directive_counts`, the size of the three directive sections, counted in one pass (one query)."""
    day = _today(today)
    week_end = day + dt.timedelta(days=7)
    person = getattr(user, "person", None)
    mine = Q(pk__in=[])
    if user.agency_id:
        mine |= Q(lead_unit_id=user.agency_id)
    if person is not None:
        mine |= Q(issued_by_id=person.pk)
    if user.is_office:
        mine = Q()  # the office watches every directive and obstacle of its organisation
    directives = directive_list(user=user, today=day).filter(mine, closed_on__isnull=True)
    checks = resupervision_list(user=user).filter(verdict="")
    if person is not None and not user.is_office:
        checks = checks.filter(assigned_to=person)
    sections = {
        # The "overdue" bucket, without the bucket's whole expression (its EXISTS runs for every row): a
        # directive not reported done is in no other bucket once its deadline has passed.
        "overdue": directive_overdue(day),
        "due_this_week": Q(completed_on__isnull=True, deadline__gte=day, deadline__lte=week_end),
        "open": Q(completed_on__isnull=True),
    }
    return {
        **{key: directives.filter(condition) for key, condition in sections.items()},
        # Every section is of directives not reported done: counted among those alone, which an index holds
        # (directive_open_issuer_idx) without reading the rows.
        "directive_counts": directives.filter(completed_on__isnull=True).aggregate(
            **{key: Count("pk", filter=condition) for key, condition in sections.items()}
        ),
        "checks_due": checks.filter(due_on__lte=week_end),
        "obstacles": obstacle_list(user=user, today=day)
        .filter(status__in=OPEN_OBSTACLE_STATUSES)
        .filter(
            Q()
            if user.is_office
            else Q(responsible_agency_id=user.agency_id)
            if user.agency_id
            else Q(raised_by_id=getattr(person, "pk", 0))
        ),
    }


# --- the loop: an obstacle and the directives that work on it (unscoped: for the services) -------------


def obstacle_of_directive(directive: Directive) -> Obstacle | None:
    """The obstacle a directive works on: the head of its chain (see `chain_head`), if any."""
    return chain_head(chain_of(directive)[0])


def obstacle_directives(obstacle: Obstacle) -> list[Directive]:
    """Every directive that works on an obstacle: those issued for it, those its checks spawned, and their
    follow-ups; one query per generation of follow-ups."""
    checks = ReSupervision.objects.filter(obstacle=obstacle).values("pk")
    found = {
        d.pk: d
        for d in Directive.objects.filter(
            Q(source_kind=SourceKind.OBSTACLE, source_id=obstacle.pk)
            | Q(source_kind=SourceKind.RESUPERVISION, source_id__in=checks)
        )
    }
    frontier = list(found)
    while frontier:
        children = [d for d in Directive.objects.filter(parent_id__in=frontier) if d.pk not in found]
        found.update({d.pk: d for d in children})
        frontier = [d.pk for d in children]
    return sorted(found.values(), key=lambda d: (d.issued_on, d.pk))


def open_directives_of_obstacle(obstacle: Obstacle) -> list[Directive]:
    """The obstacle's directives still to be carried out: not archived, not closed, not confirmed done, and
    not carried on by a follow-up (the follow-up is the one still open)."""
    directives = obstacle_directives(obstacle)
    followed_up = {d.parent_id for d in directives if d.parent_id}
    return [
        d
        for d in directives
        if d.archived_at is None
        and d.closed_on is None
        and d.completion_confirmed_on is None
        and d.pk not in followed_up
    ]


# --- conclusion notices: their items in number order -----------------------------------------------------


def notice_item_order() -> tuple:
    """The directives of a conclusion notice in their number order (core.text.sort_key: "mục 2" before
    "mục 10"), those without a reference last, by deadline: the notice's page, its rows in the directive
    list and export, and the API list filtered by notice."""
    unnumbered_last = Case(When(sort_key="", then=Value(1)), default=Value(0), output_field=IntegerField())
    return (unnumbered_last, "sort_key", "deadline", "id")


# --- a period's figures (the Standing Committee's briefing) -------------------------------------------------


def obstacle_period_summary(
    *, user, by: str | None, first: dt.date, last: dt.date, at: dt.date
) -> list[dict]:
    """Obstacles by category or level (None: all together) over the days `first`..`last`, in one grouped
    aggregate: raised in the period, escalated in it, still open (raised by its end and not verified or
    closed), of which escalated and waiting for the Standing Committee, and overdue at `at`."""
    field = {"category": "category", "level": "resolution_level"}.get(by or "")
    qs = visible(Obstacle.objects.active(), user).filter(raised_on__lte=last)
    open_q = Q(status__in=OPEN_OBSTACLE_STATUSES)
    sums = {
        "new": Count("pk", filter=Q(raised_on__gte=first)),
        "escalated": Count("pk", filter=Q(escalated_on__gte=first, escalated_on__lte=last)),
        "open": Count("pk", filter=open_q),
        "awaiting_committee": Count("pk", filter=Q(status=ObstacleStatus.ESCALATED)),
        "overdue": Count("pk", filter=obstacle_overdue(at)),
    }
    if field is None:
        return [{"key": None, **qs.order_by().aggregate(**sums)}]
    rows = qs.order_by().values(key=F(field)).annotate(**sums).order_by()
    return sorted(rows, key=lambda r: (-r["open"], -r["new"], r["key"] or ""))


def directive_period_buckets(*, user, last: dt.date, at: dt.date) -> dict[str, int]:
    """The directives issued by the period's end `last`, counted by status bucket as they stand at `at`
    (one query)."""
    return bucket_counts(directive_list(user=user, today=at).filter(issued_on__lte=last))


def directives_issued(*, user, first: dt.date, last: dt.date) -> int:
    return visible(Directive.objects.active(), user).filter(issued_on__gte=first, issued_on__lte=last).count()


def verdict_counts(*, user, first: dt.date, last: dt.date) -> dict[str, int]:
    """Re-supervisions checked in the period by verdict, and those due in it still unchecked (one query)."""
    qs = visible(ReSupervision.objects.all(), user)
    checked = Q(checked_on__gte=first, checked_on__lte=last, recorded_at__isnull=False)
    sums = {verdict: Count("pk", filter=checked & Q(verdict=verdict)) for verdict in Verdict.values}
    sums["unchecked"] = Count(
        "pk",
        filter=Q(due_on__gte=first, due_on__lte=last, recorded_at__isnull=True, superseded_by__isnull=True),
    )
    return qs.aggregate(**sums)


def overdue_by_issuer(*, user, today: dt.date | None = None) -> dict[int, int]:
    """How many directives each leader issued (by person id) are overdue and not done today: the directive
    list's "overdue" bucket (`directive_overdue`, which no earlier bucket of `bucket_expression` can take),
    filtered by `leader`. One grouped query over what the user may see."""
    rows = (
        visible(Directive.objects.active(), user)
        .filter(directive_overdue(_today(today)))
        .order_by()
        .values("issued_by_id")
        .annotate(n=Count("pk"))
    )
    return {row["issued_by_id"]: row["n"] for row in rows}


def directive_on_time_by_unit(
    *, user, first: dt.date, last: dt.date, today: dt.date | None = None
) -> list[dict]:
    """For each lead unit (chủ trì) of the directives the user may see whose deadline falls in
    `first`..`last`: how many were due, and how many fall in each bucket of the directive list as it stands
    `today` (done on time, done late, reported done and awaiting confirmation, overdue). One grouped
    aggregate over the list's own rows and buckets, so a unit's figures are those of the directive list
    filtered by its lead unit and the deadline period; the units' names with one small query."""
    qs = directive_list(user=user, today=today).filter(
        deadline__gte=first, deadline__lte=last, lead_unit__isnull=False
    )
    in_bucket = {
        "on_time": StatusBucket.DONE_ON_TIME,
        "late": StatusBucket.DONE_LATE,
        "awaiting": StatusBucket.AWAITING_CONFIRMATION,
        "overdue": StatusBucket.OVERDUE,
    }
    sums = {name: Count("pk", filter=Q(status_bucket=bucket)) for name, bucket in in_bucket.items()}
    rows = list(qs.order_by().values(unit_id=F("lead_unit_id")).annotate(due=Count("pk"), **sums).order_by())
    names = dict(Agency.objects.filter(pk__in=[row["unit_id"] for row in rows]).values_list("pk", "name"))
    for row in rows:
        row["name"] = names.get(row["unit_id"], "—")
    return rows
