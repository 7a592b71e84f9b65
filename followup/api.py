"""API operations of the follow-up loop, scoped exactly like the pages: obstacles, directives, re-supervision
and conclusion notices.

Every read goes through followup.selectors (someone else's record answers 404), every write through
followup.services; the filters are the ones the pages and the Excel exports use (followup.filters).
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from core import references
from core.api_inputs import (
    Code,
    Day,
    Id,
    LongText,
    SummaryText,
    Text,
    require_writer,
)
from core.api_refs import AgencyRef, PersonRef, UnitRef
from core.confidential_api import confidentiality_routes
from core.filters import filter_api, filter_schema
from core.pagination import PageNumberPagination
from followup import selectors, services
from followup.choices import (
    OBSTACLE_TRANSITIONS,
    CheckMethod,
    ObstacleCategory,
    ObstacleStatus,
    RaisedIn,
    ResolutionLevel,
    SourceKind,
    StatusBucket,
    Verdict,
)
from followup.filters import (
    BucketFilterSet,
    DirectiveFilterSet,
    NoticeFilterSet,
    ObstacleFilterSet,
    ReSupervisionFilterSet,
)
from followup.importers import import_directives
from followup.models import Directive, Obstacle, ReSupervision
from org import selectors as org_selectors
from org.refs import agencies_ref, agency_ref, person_ref, unit_ref

router = Router(tags=["followup"])

ObstacleQuery = filter_schema(ObstacleFilterSet, "ObstacleQuery")
DirectiveQuery = filter_schema(DirectiveFilterSet, "DirectiveQuery")
BucketQuery = filter_schema(BucketFilterSet, "BucketQuery")
ReSupervisionQuery = filter_schema(ReSupervisionFilterSet, "ReSupervisionQuery")
NoticeQuery = filter_schema(NoticeFilterSet, "NoticeQuery")

MAX_UNITS = 50


# --- input types ----------------------------------------------------------------------------------


# --- shared helpers -------------------------------------------------------------------------------


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


def _label_of(choices, field: str) -> staticmethod:
    """A schema resolver: the label of a choice field, in the reader's language."""
    return staticmethod(lambda obj: _label(choices, getattr(obj, field)))


# --- obstacles ------------------------------------------------------------------------------------


class ObstacleOut(Schema):
    id: int
    confidential: bool = Field(
        description="Marked confidential (Mật): seen only by its named readers and the Standing Board"
    )
    title: str
    description: str
    category: str
    category_label: str
    locality: UnitRef | None
    agency: AgencyRef | None
    subject_label: str
    raised_by: PersonRef | None
    raised_in: str
    raised_on: dt.date
    resolution_level: str
    resolution_level_label: str
    responsible_agency: AgencyRef | None
    deadline: dt.date | None
    status: str
    status_label: str
    is_overdue: bool
    age_days: int
    escalated_on: dt.date | None
    committee_decision: str
    decided_on: dt.date | None
    resolution: str
    resolved_on: dt.date | None
    verification: str
    verified_on: dt.date | None
    closed_reason: str
    closed_on: dt.date | None
    version: int
    archived: bool

    resolve_category_label = _label_of(ObstacleCategory, "category")
    resolve_resolution_level_label = _label_of(ResolutionLevel, "resolution_level")
    resolve_status_label = _label_of(ObstacleStatus, "status")

    @staticmethod
    def resolve_is_overdue(obj):
        return bool(getattr(obj, "is_overdue", 0))

    @staticmethod
    def resolve_age_days(obj):
        return selectors.obstacle_age_days(obj)

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None


class ObstacleDetailOut(ObstacleOut):
    days_since_escalation: int | None
    allowed_statuses: list[str] = Field(description="Where the workflow allows it to move next")
    directive_ids: list[int] = Field(description="Directives issued for it (that the caller may see)")
    resupervision_ids: list[int]

    @staticmethod
    def resolve_days_since_escalation(obj):
        return selectors.days_since_escalation(obj)

    @staticmethod
    def resolve_allowed_statuses(obj):
        return [str(s) for s in OBSTACLE_TRANSITIONS.get(obj.status, ())]


class ObstacleIn(Schema):
    title: Text = Field(max_length=300)
    description: LongText
    category: ObstacleCategory
    resolution_level: ResolutionLevel
    locality_code: Code | None = Field(None, description="Official code of the locality concerned")
    agency_id: Id | None = Field(None, description="The unit concerned")
    raised_by_id: Id | None = Field(None, description="The person who raised it")
    raised_in: RaisedIn = RaisedIn.REPORT
    raised_on: Day | None = None
    responsible_agency_id: Id | None = None
    deadline: Day | None = None


class ObstaclePatch(Schema):
    version: int
    title: Text | None = Field(None, max_length=300)
    description: LongText | None = None
    category: ObstacleCategory | None = None
    resolution_level: ResolutionLevel | None = None
    locality_code: Code | None = None
    agency_id: Id | None = None
    raised_by_id: Id | None = None
    raised_in: RaisedIn | None = None
    raised_on: Day | None = None
    responsible_agency_id: Id | None = None
    deadline: Day | None = None


class ObstacleStatusIn(Schema):
    status: ObstacleStatus
    version: int
    on: Day | None = Field(None, description="The day of the move (default today)")
    note: Text = Field("", max_length=500)
    committee_decision: LongText = Field("", description="Escalated → assigned")
    responsible_agency_id: Id | None = Field(None, description="Assigned")
    deadline: Day | None = Field(None, description="Assigned")
    resolution: LongText = Field("", description="Resolved")
    verification: LongText = Field("", description="Verified")
    closed_reason: Text = Field("", max_length=500, description="Closed")


class ObstacleAssignIn(Schema):
    version: int
    responsible_agency_id: Id
    deadline: Day
    committee_decision: LongText = ""
    directive_content: LongText = Field("", description="Fill in to issue a directive too")
    issued_by_id: Id | None = Field(None, description="The leader who issues the directive")
    cooperating_unit_ids: list[Id] = Field(default_factory=list, max_length=MAX_UNITS)
    on: Day | None = None


class ObstacleAssignOut(Schema):
    obstacle: ObstacleDetailOut
    directive_id: int | None


class SummaryRowOut(Schema):
    key: str | None
    label: str
    total: int
    open: int
    overdue: int
    escalated: int


def _obstacle_detail(user, pk: int):
    """An obstacle with the ids of its directives and checks, as the caller may see them."""
    obstacle = selectors.get_obstacle_for_user(user=user, pk=pk)
    obstacle.directive_ids = list(
        selectors.directive_list(user=user, include_archived=True)
        .filter(source_kind=SourceKind.OBSTACLE, source_id=obstacle.pk)
        .order_by("issued_on", "id")
        .values_list("pk", flat=True)
    )
    obstacle.resupervision_ids = list(
        selectors.resupervision_list(user=user)
        .filter(obstacle_id=obstacle.pk)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )
    return obstacle


def _obstacle_refs(user, data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if key == "locality_code":
            out["locality"] = unit_ref(user, value, key)
        elif key in ("agency_id", "responsible_agency_id"):
            out[key.removesuffix("_id")] = agency_ref(user, value, key)
        elif key == "raised_by_id":
            out["raised_by"] = person_ref(user, value, key)
        elif hasattr(value, "value"):
            out[key] = value.value
        else:
            out[key] = value
    return out


@router.get("/obstacles/", response=list[ObstacleOut], summary="Obstacles")
@paginate(PageNumberPagination, page_size=50)
def list_obstacles(request, filters: Query[ObstacleQuery]):
    """Obstacles the caller may see, newest first, filtered like the page and its Excel export."""
    return filter_api(ObstacleFilterSet, request, selectors.obstacle_list(user=request.user), filters)


@router.get(
    "/obstacles/summary",
    response=list[SummaryRowOut],
    summary="Open, overdue and escalated obstacles by category, level, agency or locality",
)
def obstacle_summary(
    request,
    filters: Query[ObstacleQuery],
    by: Literal["category", "level", "agency", "locality"] = "category",
):
    qs = filter_api(ObstacleFilterSet, request, selectors.obstacle_list(user=request.user), filters)
    labels = {"category": ObstacleCategory, "level": ResolutionLevel}.get(by)
    rows = selectors.obstacle_summary(qs, by)
    for row in rows:
        row["label"] = _label(labels, row["key"]) if labels else (row["key"] or "")
    return rows


@router.get("/obstacles/{id:obstacle_id}", response=ObstacleDetailOut, summary="One obstacle")
def get_obstacle(request, obstacle_id: int):
    """With its age, days since escalation, the moves the workflow allows next, its directives and checks."""
    return _obstacle_detail(request.user, obstacle_id)


@router.post("/obstacles/", response={201: ObstacleDetailOut}, summary="Raise an obstacle")
def create_obstacle(request, payload: ObstacleIn):
    user = request.user
    require_writer(user)
    committee = org_selectors.committee_or_404(user)
    data = _obstacle_refs(user, payload.dict())
    obstacle = services.obstacle_create(actor=user, organization=committee, **data)
    return Status(201, _obstacle_detail(user, obstacle.pk))


# Fields that cannot be emptied: sent as null, they are left as they are.
_REQUIRED_OBSTACLE_FIELDS = {"title", "description", "category", "resolution_level", "raised_in", "raised_on"}


@router.patch("/obstacles/{id:obstacle_id}", response=ObstacleDetailOut, summary="Correct an obstacle")
def update_obstacle(request, obstacle_id: int, payload: ObstaclePatch):
    """The office, the leader in charge of its place, or whoever raised it; not its status (see /status)."""
    user = request.user
    obstacle = selectors.get_obstacle_for_user(user=user, pk=obstacle_id, action="change")
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    sent = {k: v for k, v in sent.items() if not (v is None and k in _REQUIRED_OBSTACLE_FIELDS)}
    data = _obstacle_refs(user, sent)
    services.obstacle_update(actor=user, obstacle=obstacle, version=payload.version, **data)
    return _obstacle_detail(user, obstacle.pk)


@router.post("/obstacles/{id:obstacle_id}/status", response=ObstacleDetailOut, summary="Move an obstacle")
def move_obstacle(request, obstacle_id: int, payload: ObstacleStatusIn):
    """One step of the workflow; an illegal move is refused (422) and nothing changes, a stale version is 409.

    Resolving and resolved may also be set by the resolving agency's focal point.
    """
    user = request.user
    status = payload.status.value
    gate = "resolve" if status in selectors.RESOLVE_MOVES else "change"
    obstacle = selectors.get_obstacle_for_user(user=user, pk=obstacle_id, action=gate)
    services.obstacle_move(
        actor=user,
        obstacle=obstacle,
        version=payload.version,
        status=status,
        on=payload.on,
        note=payload.note,
        committee_decision=payload.committee_decision,
        responsible_agency=agency_ref(user, payload.responsible_agency_id, "responsible_agency_id"),
        deadline=payload.deadline,
        resolution=payload.resolution,
        verification=payload.verification,
        closed_reason=payload.closed_reason,
    )
    return _obstacle_detail(user, obstacle.pk)


@router.post(
    "/obstacles/{id:obstacle_id}/assign",
    response=ObstacleAssignOut,
    summary="Assign an obstacle to an agency, and issue a directive to it",
)
def assign_obstacle(request, obstacle_id: int, payload: ObstacleAssignIn):
    """From new or escalated (escalated needs the Standing Committee's decision). With `directive_content`
    or `issued_by_id`, a directive is issued to the agency; its id is returned."""
    user = request.user
    obstacle = selectors.get_obstacle_for_user(user=user, pk=obstacle_id, action="change")
    _obstacle, directive = services.obstacle_move(
        actor=user,
        obstacle=obstacle,
        status=ObstacleStatus.ASSIGNED,
        version=payload.version,
        responsible_agency=agency_ref(user, payload.responsible_agency_id, "responsible_agency_id"),
        deadline=payload.deadline,
        committee_decision=payload.committee_decision,
        issued_by=person_ref(user, payload.issued_by_id, "issued_by_id"),
        directive_content=payload.directive_content,
        cooperating_units=agencies_ref(user, payload.cooperating_unit_ids, "cooperating_unit_ids"),
        on=payload.on,
    )
    return {
        "obstacle": _obstacle_detail(user, obstacle.pk),
        "directive_id": directive.pk if directive is not None else None,
    }


# --- directives -----------------------------------------------------------------------------------


class SourceOut(Schema):
    kind: str
    kind_label: str
    id: int | None = Field(
        description="Null when there is no record, or when it is out of the caller's reach"
    )
    label: str = Field(description="“an item out of your reach” when the caller may not see the record")


class RecordRefOut(Schema):
    """Another record: its id and label, or a null id and “an item out of your reach”."""

    id: int | None
    label: str


class DirectiveOut(Schema):
    id: int
    confidential: bool = Field(
        description="Marked confidential (Mật): seen only by its named readers and the Standing Board"
    )
    number: str
    content: str
    issued_by: PersonRef
    issued_on: dt.date
    source: SourceOut
    locality: UnitRef | None
    lead_unit: AgencyRef
    cooperating_units: list[AgencyRef]
    deadline: dt.date
    completed_on: dt.date | None = Field(description="The day the lead unit reported it done")
    completion_confirmed_on: dt.date | None = Field(
        description="Null while a reported completion awaits confirmation"
    )
    closed_on: dt.date | None
    status_bucket: str
    status_bucket_label: str
    report_count: int
    parent_id: int | None = Field(description="Null when it follows up nothing, or a directive out of reach")
    parent: RecordRefOut | None = Field(description="The directive it follows up, as the caller may see it")
    version: int
    archived: bool

    @staticmethod
    def resolve_source(obj, context):
        model = obj.source_type.model_class() if obj.source_type_id else None
        ref = references.api_reference(
            context, model, obj.source_id, obj.source_label, references.in_reach(obj, "source_id")
        )
        return {
            "kind": obj.source_kind,
            "kind_label": _label(SourceKind, obj.source_kind),
            "id": ref["id"] if ref else None,
            "label": ref["label"] if ref else obj.source_label,
        }

    @staticmethod
    def resolve_parent_id(obj, context):
        return references.api_id(context, Directive, obj.parent_id, references.in_reach(obj, "parent"))

    @staticmethod
    def resolve_parent(obj, context):
        title = str(obj.parent) if obj.parent_id else ""
        return references.api_reference(
            context, Directive, obj.parent_id, title, references.in_reach(obj, "parent")
        )

    @staticmethod
    def resolve_cooperating_units(obj):
        return list(obj.cooperating_units.all())

    @staticmethod
    def resolve_status_bucket(obj):
        return _bucket(obj)

    @staticmethod
    def resolve_status_bucket_label(obj):
        return _label(StatusBucket, _bucket(obj))

    @staticmethod
    def resolve_report_count(obj):
        return getattr(obj, "report_count", 0)

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None


def _bucket(directive) -> str:
    bucket = getattr(directive, "status_bucket", None)
    if bucket is None:  # a record not loaded through the selector: the same rule, in Python
        bucket = selectors.status_bucket(
            deadline=directive.deadline,
            completed_on=directive.completed_on,
            confirmed_on=directive.completion_confirmed_on,
            closed_on=directive.closed_on,
            has_report=bool(getattr(directive, "report_count", 0)),
            today=timezone.localdate(),
        )
    return str(bucket)


class ProgressReportOut(Schema):
    id: int
    text: str
    claims_done: bool
    reported_at: dt.datetime
    author: str

    @staticmethod
    def resolve_author(obj):
        return obj.author.get_full_name() or obj.author.username


class DirectiveDetailOut(DirectiveOut):
    completion_note: str
    progress_reports: list[ProgressReportOut]
    follow_up_ids: list[int] = Field(description="Follow-up directives issued after a re-supervision")
    resupervision_ids: list[int]

    @staticmethod
    def resolve_progress_reports(obj):
        return obj.progress_reports_list


class BucketOut(Schema):
    bucket: str
    label: str
    count: int


class BucketsOut(Schema):
    total: int
    buckets: list[BucketOut]


class DirectiveIn(Schema):
    content: LongText
    number: Text = Field("", max_length=60)
    issued_by_id: Id | None = Field(None, description="The issuing leader; a leader issues in their own name")
    issued_on: Day | None = None
    lead_unit_id: Id
    cooperating_unit_ids: list[Id] = Field(default_factory=list, max_length=MAX_UNITS)
    locality_code: Code | None = None
    deadline: Day
    source_kind: Literal["other", "conclusion_notice"] = "other"
    notice_id: Id | None = Field(None, description="The conclusion notice, for source_kind=conclusion_notice")
    resupervision_due_on: Day | None = Field(
        None, description="Default: the deadline plus the configured days"
    )


class DirectivePatch(Schema):
    version: int
    content: LongText | None = None
    number: Text | None = Field(None, max_length=60)
    issued_by_id: Id | None = Field(None, description="The office only")
    issued_on: Day | None = None
    lead_unit_id: Id | None = None
    cooperating_unit_ids: list[Id] | None = Field(None, max_length=MAX_UNITS)
    locality_code: Code | None = None
    deadline: Day | None = None


class ProgressIn(Schema):
    text: LongText
    claims_done: bool = False
    version: int


def _directive_detail(user, pk: int):
    directive = selectors.get_directive_for_user(user=user, pk=pk)
    directive.progress_reports_list = list(
        directive.progress_reports.select_related("author").order_by("reported_at", "id")
    )
    directive.follow_up_ids = list(
        selectors.directive_list(user=user, include_archived=True)
        .filter(parent_id=directive.pk)
        .order_by("issued_on", "id")
        .values_list("pk", flat=True)
    )
    directive.resupervision_ids = list(
        selectors.resupervision_list(user=user)
        .filter(directive_id=directive.pk)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )
    return directive


def _issuer(user, issued_by_id: Id | None):
    """The leader named in the body (the service refuses anyone but the office naming another), or the
    caller's own name."""
    if issued_by_id is not None:
        return person_ref(user, issued_by_id, "issued_by_id")
    return services.leader_person(user)


def _directive_refs(user, data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if key == "lead_unit_id":
            out["lead_unit"] = agency_ref(user, value, key)
        elif key == "locality_code":
            out["locality"] = unit_ref(user, value, key)
        elif key == "cooperating_unit_ids":
            out["cooperating_units"] = agencies_ref(user, value, key)
        else:
            out[key] = value
    return out


@router.get("/directives/", response=list[DirectiveOut], summary="Directives, with their status buckets")
@paginate(PageNumberPagination, page_size=50)
def list_directives(request, filters: Query[DirectiveQuery]):
    """Directives the caller may see, by deadline (a notice's, with `notice`, in their number order), each
    with its computed `status_bucket`."""
    user = request.user
    directives = filter_api(DirectiveFilterSet, request, selectors.directive_list(user=user), filters)
    if filters.notice:  # a notice's items in their number order, as on its page
        directives = directives.order_by(*selectors.notice_item_order())
    return references.annotate(directives, user, "parent", generic=("source_type", "source_id"))


@router.get("/directives/buckets", response=BucketsOut, summary="How many directives fall in each bucket")
def directive_buckets(request, filters: Query[BucketQuery]):
    """The counts of the list with the same filters (but the bucket), per status bucket."""
    directives = selectors.directive_list(user=request.user)
    counts = selectors.bucket_counts(filter_api(BucketFilterSet, request, directives, filters))
    return {
        "total": sum(counts.values()),
        "buckets": [
            {"bucket": bucket, "label": str(label), "count": counts.get(bucket, 0)}
            for bucket, label in StatusBucket.choices
        ],
    }


@router.get("/directives/{id:directive_id}", response=DirectiveDetailOut, summary="One directive")
def get_directive(request, directive_id: int):
    """With its progress reports, cooperating units, parent, follow-ups and re-supervision checks."""
    return _directive_detail(request.user, directive_id)


@router.post("/directives/", response={201: DirectiveDetailOut}, summary="Issue a directive")
def create_directive(request, payload: DirectiveIn):
    """The office (naming the issuing leader) or a leader (in their own name)."""
    user = request.user
    require_writer(user)
    committee = org_selectors.committee_or_404(user)
    if not services.may_issue_directives(user):
        raise Http404
    data = _directive_refs(
        user,
        payload.dict(
            include={
                "content",
                "number",
                "issued_on",
                "lead_unit_id",
                "cooperating_unit_ids",
                "locality_code",
            }
        ),
    )
    source = None
    if payload.source_kind == SourceKind.CONCLUSION_NOTICE:
        if payload.notice_id is None:
            raise ValidationError({"notice_id": _("Choose the conclusion notice.")})
        source = selectors.get_notice_for_user(user=user, pk=payload.notice_id)
    issued_by = _issuer(user, payload.issued_by_id)
    if issued_by is None:
        raise ValidationError({"issued_by_id": _("Name the leader who issues the directive.")})
    directive = services.directive_create(
        actor=user,
        organization=committee,
        issued_by=issued_by,
        deadline=payload.deadline,
        source_kind=payload.source_kind,
        source=source,
        resupervision_due_on=payload.resupervision_due_on,
        **data,
    )
    return Status(201, _directive_detail(user, directive.pk))


# Fields that cannot be emptied: sent as null, they are left as they are.
_REQUIRED_DIRECTIVE_FIELDS = {
    "content",
    "number",
    "issued_on",
    "lead_unit_id",
    "deadline",
    "issued_by_id",
    "cooperating_unit_ids",
}


@router.patch("/directives/{id:directive_id}", response=DirectiveDetailOut, summary="Correct a directive")
def update_directive(request, directive_id: int, payload: DirectivePatch):
    """The office, or the leader who issued it; only the office changes the issuing leader."""
    user = request.user
    directive = selectors.get_directive_for_user(user=user, pk=directive_id, action="change")
    sent = payload.dict(exclude_unset=True, exclude={"version"})
    sent = {k: v for k, v in sent.items() if not (v is None and k in _REQUIRED_DIRECTIVE_FIELDS)}
    if "issued_by_id" in sent:
        sent["issued_by"] = _issuer(user, sent.pop("issued_by_id"))
    data = _directive_refs(user, sent)
    services.directive_update(actor=user, directive=directive, version=payload.version, **data)
    return _directive_detail(user, directive.pk)


@router.post(
    "/directives/{id:directive_id}/progress",
    response={201: DirectiveDetailOut},
    summary="Report progress on a directive, or claim its completion",
)
def report_progress(request, directive_id: int, payload: ProgressIn):
    """The lead unit's focal point, or the office. Every report bumps the directive's version."""
    user = request.user
    directive = selectors.get_directive_for_user(user=user, pk=directive_id, action="report")
    services.directive_report_progress(
        actor=user,
        directive=directive,
        version=payload.version,
        text=payload.text,
        claims_done=payload.claims_done,
    )
    return Status(201, _directive_detail(user, directive.pk))


class CompletionConfirmIn(Schema):
    version: int
    on: Day | None = Field(None, description="The day of the confirmation (default today)")


class CompletionReturnIn(Schema):
    version: int
    reason: Text = Field(max_length=500, description="Why the work is not done")


@router.post(
    "/directives/{id:directive_id}/confirm",
    response=DirectiveDetailOut,
    summary="Confirm the completion the lead unit reported",
)
def confirm_completion(request, directive_id: int, payload: CompletionConfirmIn):
    """The issuing leader or the office. It counts as done from the day of the unit's report."""
    user = request.user
    directive = selectors.get_directive_for_user(user=user, pk=directive_id, action="change")
    services.directive_confirm_completion(
        actor=user, directive=directive, version=payload.version, on=payload.on
    )
    return _directive_detail(user, directive.pk)


@router.post(
    "/directives/{id:directive_id}/return",
    response=DirectiveDetailOut,
    summary="Return a reported completion: the work is not done",
)
def return_completion(request, directive_id: int, payload: CompletionReturnIn):
    """The issuing leader or the office; the lead unit goes on and reports again."""
    user = request.user
    directive = selectors.get_directive_for_user(user=user, pk=directive_id, action="change")
    services.directive_return_completion(
        actor=user, directive=directive, version=payload.version, reason=payload.reason
    )
    return _directive_detail(user, directive.pk)


# --- re-supervision -------------------------------------------------------------------------------


class ReSupervisionOut(Schema):
    id: int
    item_kind: Literal["directive", "obstacle"]
    directive_id: int | None
    obstacle_id: int | None
    item_label: str
    locality: UnitRef | None
    agency: AgencyRef | None
    due_on: dt.date
    assigned_to: PersonRef | None
    checked_group: str
    scheduled_at: dt.datetime
    verdict: str
    verdict_label: str
    method: str
    checked_on: dt.date | None
    place: str
    evidence: str
    recorded_by: str | None
    recorded_at: dt.datetime | None
    supersedes_id: int | None
    follow_up_id: int | None

    @staticmethod
    def resolve_item_kind(obj):
        return "directive" if obj.directive_id else "obstacle"

    @staticmethod
    def resolve_directive_id(obj, context):
        return references.api_id(context, Directive, obj.directive_id, references.in_reach(obj, "directive"))

    @staticmethod
    def resolve_obstacle_id(obj, context):
        return references.api_id(context, Obstacle, obj.obstacle_id, references.in_reach(obj, "obstacle"))

    @staticmethod
    def resolve_item_label(obj, context):
        model = Directive if obj.directive_id else Obstacle
        pk = obj.directive_id or obj.obstacle_id
        name = "directive" if obj.directive_id else "obstacle"
        ref = references.api_reference(
            context, model, pk, str(obj.item)[:300], references.in_reach(obj, name)
        )
        return ref["label"]

    @staticmethod
    def resolve_supersedes_id(obj, context):
        return references.api_id(
            context, ReSupervision, obj.supersedes_id, references.in_reach(obj, "supersedes")
        )

    @staticmethod
    def resolve_follow_up_id(obj, context):
        return references.api_id(context, Directive, obj.follow_up_id, references.in_reach(obj, "follow_up"))

    resolve_verdict_label = _label_of(Verdict, "verdict")

    @staticmethod
    def resolve_recorded_by(obj):
        if obj.recorded_by_id is None:
            return None
        return obj.recorded_by.get_full_name() or obj.recorded_by.username


class ReSupervisionDetailOut(ReSupervisionOut):
    superseded_by_id: int | None


class RecordIn(Schema):
    verdict: Verdict
    method: CheckMethod
    checked_on: Day
    evidence: LongText
    place: Text = Field("", max_length=300)
    follow_up_content: LongText = Field(
        "", description="The follow-up directive: required when the verdict is partly or not implemented"
    )
    follow_up_deadline: Day | None = None


class RecheckIn(Schema):
    due_on: Day


def _check_detail(user, pk: int):
    check = selectors.get_resupervision_for_user(user=user, pk=pk)
    later = (
        selectors.resupervision_list(user=user).filter(supersedes_id=check.pk).values_list("pk", flat=True)
    )
    check.superseded_by_id = later.first()
    return check


@router.get("/resupervisions/", response=list[ReSupervisionOut], summary="Re-supervision checks")
@paginate(PageNumberPagination, page_size=50)
def list_resupervisions(request, filters: Query[ReSupervisionQuery]):
    """Checks the caller may see, by due date: pending, due (pending and past due) or recorded."""
    user = request.user
    checks = filter_api(ReSupervisionFilterSet, request, selectors.resupervision_list(user=user), filters)
    return references.annotate(checks, user, "directive", "obstacle", "supersedes", "follow_up")


@router.get(
    "/resupervisions/{id:check_id}", response=ReSupervisionDetailOut, summary="One re-supervision check"
)
def get_resupervision(request, check_id: int):
    return _check_detail(request.user, check_id)


@router.post(
    "/resupervisions/{id:check_id}/record",
    response=ReSupervisionDetailOut,
    summary="Record a check's verdict (once)",
)
def record_resupervision(request, check_id: int, payload: RecordIn):
    """The office, the Standing Board or the leader assigned to check. Short of implemented, the item stays
    open and a follow-up directive is issued: its id is `follow_up_id`."""
    user = request.user
    check = selectors.get_resupervision_for_user(user=user, pk=check_id, action="record")
    services.resupervision_record(
        actor=user,
        check=check,
        verdict=payload.verdict.value,
        method=payload.method.value,
        checked_on=payload.checked_on,
        evidence=payload.evidence,
        place=payload.place,
        follow_up_content=payload.follow_up_content,
        follow_up_deadline=payload.follow_up_deadline,
    )
    return _check_detail(user, check.pk)


@router.post(
    "/resupervisions/{id:check_id}/recheck",
    response={201: ReSupervisionDetailOut},
    summary="Schedule a new check that supersedes a recorded one",
)
def recheck_resupervision(request, check_id: int, payload: RecheckIn):
    user = request.user
    check = selectors.get_resupervision_for_user(user=user, pk=check_id, action="record")
    new = services.resupervision_recheck(actor=user, check=check, due_on=payload.due_on)
    return Status(201, _check_detail(user, new.pk))


# --- conclusion notices ---------------------------------------------------------------------------


class NoticeOut(Schema):
    id: int
    number: str
    issued_on: dt.date
    title: str
    summary: str
    directive_count: int
    version: int

    @staticmethod
    def resolve_directive_count(obj):
        return getattr(obj, "directive_count", 0)


class NoticeIn(Schema):
    number: Text = Field(max_length=60, description="For example 123-TB/TU")
    issued_on: Day
    title: Text = Field(max_length=500)
    summary: SummaryText = ""


class ImportErrorOut(Schema):
    sheet: str
    row: int | None
    column: str
    message: str


class ImportRefusedOut(Schema):
    detail: str
    errors: list[ImportErrorOut]


class ImportOut(Schema):
    created: int
    directive_ids: list[int]


def _notice(user, pk: int):
    """A notice with the number of its directives (an archived notice is shown without the count)."""
    notice = selectors.get_notice_for_user(user=user, pk=pk)
    return selectors.notice_list(user=user).filter(pk=pk).first() or notice


@router.get("/notices/", response=list[NoticeOut], summary="Standing Committee conclusion notices")
@paginate(PageNumberPagination, page_size=50)
def list_notices(request, filters: Query[NoticeQuery]):
    notices = filter_api(NoticeFilterSet, request, selectors.notice_list(user=request.user), filters)
    return notices.order_by("-issued_on", "-id")


@router.post("/notices/", response={201: NoticeOut}, summary="Enter a conclusion notice (office)")
def create_notice(request, payload: NoticeIn):
    user = request.user
    if not selectors.may_manage_notices(user):
        raise Http404
    committee = org_selectors.committee_or_404(user)
    notice = services.notice_create(actor=user, organization=committee, **payload.dict())
    return Status(201, _notice(user, notice.pk))


@router.get("/notices/{id:notice_id}", response=NoticeOut, summary="One conclusion notice")
def get_notice(request, notice_id: int):
    """Its directives are listed by GET /directives/?notice=<id>."""
    return _notice(request.user, notice_id)


@router.post(
    "/notices/{id:notice_id}/import",
    response={201: ImportOut, 422: ImportRefusedOut},
    summary="Import the notice's directives from an Excel sheet (office)",
)
def import_notice_directives(request, notice_id: int, file: File[UploadedFile]):
    """A .xlsx sheet, one directive a row (GET the template from the notice's page). All or nothing: if any
    row or cell is wrong, nothing is created and every error comes back with its sheet, row and column."""
    user = request.user
    notice = selectors.get_notice_for_user(user=user, pk=notice_id, action="change")
    result = import_directives(actor=user, notice=notice, file=file)
    if result.errors:
        errors = [
            {"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message} for e in result.errors
        ]
        detail = ngettext(
            "The sheet was refused: {count} error, nothing was imported.",
            "The sheet was refused: {count} errors, nothing was imported.",
            len(errors),
        ).format(count=len(errors))
        return Status(422, {"detail": detail, "errors": errors})
    return Status(201, {"created": len(result.created), "directive_ids": [d.pk for d in result.created]})


confidentiality_routes(router, "/obstacles", selectors.get_obstacle_for_user, "change", noun="obstacle")
confidentiality_routes(router, "/directives", selectors.get_directive_for_user, "change", noun="directive")
