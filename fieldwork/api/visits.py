"""API of field visits and the opinions heard on them: the same selectors, services and scoping as the pages.
A leader edits their own visits, the office edits all; a visit out of reach is 404, as one that does not
exist."""

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from core.api_inputs import Day, Id, LongText, SummaryText, Text, require_writer
from core.api_refs import resolve_ref, resolve_refs
from core.confidential_api import confidentiality_routes
from core.filters import filter_api, filter_schema
from core.pagination import MAX_PAGE, MAX_PAGE_SIZE, PageNumberPagination
from fieldwork.choices import OpinionKind, SpeakerKind
from fieldwork.filters.visits import OneSideFilterSet, OpinionFilterSet, VisitFilterSet
from fieldwork.permissions import (
    can_issue_directive,
    can_plan_visits,
    can_read_briefing,
    can_record_opinions,
    sees_one_side,
)
from fieldwork.selectors import visits as selectors
from fieldwork.services import visits as services
from followup.choices import StatusBucket
from org import selectors as org_selectors

router = Router(tags=["fieldwork"])


class VisitPlaceOut(Schema):
    id: int
    name: str


class VisitOut(Schema):
    id: int
    confidential: bool = Field(
        description="Marked confidential (Mật): seen only by its named readers and the Standing Board"
    )
    leader_id: int
    leader: str
    purpose: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    sides_heard: int
    localities: list[VisitPlaceOut]
    agencies: list[VisitPlaceOut]
    version: int

    @staticmethod
    def resolve_leader(obj):
        return obj.leader.full_name

    @staticmethod
    def resolve_localities(obj):
        return [{"id": u.pk, "name": u.name} for u in obj.localities.all()]

    @staticmethod
    def resolve_agencies(obj):
        return [{"id": a.pk, "name": a.name} for a in obj.agencies.all()]


class BriefingOut(Schema):
    prepared_at: dt.datetime | None
    sections: list[dict]


class VisitDetailOut(VisitOut):
    agenda: str
    participant_ids: list[int]
    other_participants: str
    findings: str
    results: str
    carried_out_at: dt.datetime | None
    cancel_reason: str
    briefing: BriefingOut

    @staticmethod
    def resolve_participant_ids(obj):
        return [p.pk for p in obj.participants.all()]

    @staticmethod
    def resolve_briefing(obj, context):
        """Empty for those the briefing is not kept for (`can_read_briefing`)."""
        if not can_read_briefing(context["request"].user, obj):
            return {"prepared_at": None, "sections": []}
        return {"prepared_at": obj.briefing_at, "sections": (obj.briefing or {}).get("sections", [])}


class VisitIn(Schema):
    leader: Id | None = Field(None, description="Person id; a leader plans their own visits (default: self)")
    purpose: Text = Field(max_length=500)
    starts_at: dt.datetime
    ends_at: dt.datetime
    localities: list[Id] = []
    agencies: list[Id] = []
    participants: list[Id] = []
    other_participants: Text = Field("", max_length=500)
    agenda: LongText = ""


class VisitPatch(Schema):
    version: int
    leader: Id | None = None
    purpose: Text | None = Field(None, max_length=500)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    localities: list[Id] | None = None
    agencies: list[Id] | None = None
    participants: list[Id] | None = None
    other_participants: Text | None = Field(None, max_length=500)
    agenda: LongText | None = None
    findings: SummaryText | None = None
    results: SummaryText | None = None


class VisitCarryOutIn(Schema):
    version: int
    findings: SummaryText
    results: SummaryText = ""


class VisitCancelIn(Schema):
    version: int
    reason: Text = Field(max_length=500)


class VisitVersionIn(Schema):
    version: int


class OpinionOut(Schema):
    id: int
    visit_id: int
    speaker_kind: str
    speaker_name: str
    topic_id: int | None
    kind: str
    content: str
    locality_id: int | None
    heard_on: dt.date
    version: int


class OpinionIn(Schema):
    speaker_kind: SpeakerKind | None = None
    speaker_name: Text = Field("", max_length=200)
    topic: Id | None = None
    kind: OpinionKind | None = None
    content: LongText = ""
    locality: Id | None = None


class OpinionDetailOut(OpinionOut):
    """An opinion as written: whether it is archived, and the sides its visit has heard since."""

    archived: bool
    sides_heard: int = Field(description="Kinds of speaker among the visit's live opinions")

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None

    @staticmethod
    def resolve_sides_heard(obj):
        return obj.visit.sides_heard


class OpinionPatch(Schema):
    version: int
    speaker_kind: SpeakerKind | None = None
    speaker_name: Text | None = Field(None, max_length=200)
    topic: Id | None = None
    kind: OpinionKind | None = None
    content: LongText | None = None
    locality: Id | None = None


class OpinionVersionIn(Schema):
    version: int


class OpinionPage(Schema):
    items: list[OpinionOut]
    count: int
    more: bool = Field(description="True when more than `count` opinions match (the count stops at 1,000)")


class OpinionPageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class VisitDirectiveOut(Schema):
    id: int
    content: str
    lead_unit_id: int
    deadline: dt.date
    status_bucket: str


class VisitDirectiveIn(Schema):
    content: LongText
    lead_unit: Id
    deadline: Day


class OneSideTalliesOut(Schema):
    by_leader: list[dict]
    by_locality: list[dict]


VisitQuery = filter_schema(VisitFilterSet, "VisitQuery")
OneSideQuery = filter_schema(OneSideFilterSet, "OneSideQuery")
OpinionQuery = filter_schema(OpinionFilterSet, "OpinionQuery")


def _refs(user, data: dict) -> dict:
    """The ids of a body turned into the records they name, within the user's reach (422 otherwise)."""
    if data.get("leader") is not None:
        data["leader"] = resolve_ref(
            user,
            lambda user: org_selectors.person_list(user=user, leaders_only=True),
            data["leader"],
            "leader",
        )
    for name, selector in (
        ("localities", org_selectors.unit_list),
        ("agencies", org_selectors.agency_list),
        ("participants", org_selectors.person_list),
    ):
        if data.get(name) is not None:
            data[name] = resolve_refs(user, selector, data[name], name)
    return data


# --- visits


@router.get("/visits/", response=list[VisitOut], summary="Field visits")
@paginate(PageNumberPagination, page_size=50)
def list_visits(request, filters: Query[VisitQuery]):
    """The visits the caller may see, newest first; filters as on the page."""
    rows = filter_api(VisitFilterSet, request, selectors.visit_list(user=request.user), filters)
    return rows.order_by("-starts_at", "-id")


@router.post("/visits/", response={201: VisitDetailOut}, summary="Plan a field visit")
def create_visit(request, payload: VisitIn):
    """Plan a visit; its briefing is prepared at once. A leader plans their own (the office any leader's)."""
    require_writer(request.user)
    if not can_plan_visits(request.user):
        raise Http404
    committee = org_selectors.committee_or_404(request.user)
    data = _refs(request.user, payload.dict())
    if data["leader"] is None:
        data["leader"] = getattr(request.user, "person", None)
    visit = services.visit_create(actor=request.user, organization=committee, **data)
    return Status(201, selectors.get_visit_for_user(user=request.user, pk=visit.pk))


@router.get("/visits/{id:visit_id}", response=VisitDetailOut, summary="A field visit")
def get_visit(request, visit_id: int):
    return selectors.get_visit_for_user(user=request.user, pk=visit_id)


@router.patch("/visits/{id:visit_id}", response=VisitDetailOut, summary="Correct a field visit")
def update_visit(request, visit_id: int, payload: VisitPatch):
    """Only the fields sent change; `version` must be the one read (409 otherwise)."""
    require_writer(request.user)
    visit = selectors.get_visit_for_user(user=request.user, pk=visit_id, action="change")
    data = _refs(request.user, payload.dict(exclude_unset=True))
    version = data.pop("version")
    services.visit_update(actor=request.user, visit=visit, version=version, **data)
    return selectors.get_visit_for_user(user=request.user, pk=visit_id)


@router.post("/visits/{id:visit_id}/carry-out", response=VisitDetailOut, summary="Mark a visit carried out")
def carry_out_visit(request, visit_id: int, payload: VisitCarryOutIn):
    """On a day that has come, with what was found; its field-visit calendar entry counts in the share."""
    require_writer(request.user)
    visit = selectors.get_visit_for_user(user=request.user, pk=visit_id, action="change")
    services.visit_carry_out(actor=request.user, visit=visit, **payload.dict())
    return selectors.get_visit_for_user(user=request.user, pk=visit_id)


@router.post("/visits/{id:visit_id}/cancel", response=VisitDetailOut, summary="Cancel a visit")
def cancel_visit(request, visit_id: int, payload: VisitCancelIn):
    """With a reason (422 without one)."""
    require_writer(request.user)
    visit = selectors.get_visit_for_user(user=request.user, pk=visit_id, action="change")
    services.visit_cancel(actor=request.user, visit=visit, **payload.dict())
    return selectors.get_visit_for_user(user=request.user, pk=visit_id)


@router.post("/visits/{id:visit_id}/briefing", response=VisitDetailOut, summary="Prepare the briefing again")
def prepare_briefing(request, visit_id: int, payload: VisitVersionIn):
    """From today's data, on a planned visit."""
    require_writer(request.user)
    visit = selectors.get_visit_for_user(user=request.user, pk=visit_id, action="change")
    services.visit_prepare_briefing(actor=request.user, visit=visit, version=payload.version)
    return selectors.get_visit_for_user(user=request.user, pk=visit_id)


@router.get(
    "/visits/{id:visit_id}/directives", response=list[VisitDirectiveOut], summary="A visit's directives"
)
def visit_directives(request, visit_id: int):
    """The directives given on the visit (through followup), with their status bucket."""
    visit = selectors.get_visit_for_user(user=request.user, pk=visit_id)
    return selectors.directives_of(user=request.user, visit=visit)


@router.post(
    "/visits/{id:visit_id}/directives",
    response={201: VisitDirectiveOut},
    summary="Issue a directive from a visit",
)
def issue_directive(request, visit_id: int, payload: VisitDirectiveIn):
    require_writer(request.user)
    visit = selectors.get_visit_for_user(user=request.user, pk=visit_id)
    if not can_issue_directive(request.user, visit):
        raise Http404
    data = payload.dict()
    data["lead_unit"] = resolve_ref(request.user, org_selectors.agency_list, data["lead_unit"], "lead_unit")
    directive = services.visit_issue_directive(actor=request.user, visit=visit, **data)
    directive.status_bucket = StatusBucket.NOT_DUE
    return Status(201, directive)


# --- opinions


@router.get("/visits/{id:visit_id}/opinions", response=list[OpinionOut], summary="Opinions heard on a visit")
def visit_opinions(request, visit_id: int):
    visit = selectors.get_visit_for_user(user=request.user, pk=visit_id)
    return selectors.opinions_of(visit)


@router.post(
    "/visits/{id:visit_id}/opinions", response={201: OpinionOut}, summary="Record an opinion heard on a visit"
)
def add_opinion(request, visit_id: int, payload: OpinionIn):
    """Who spoke (required), the topic, the kind (required), what was said (required), where."""
    require_writer(request.user)
    visit = selectors.get_visit_for_user(user=request.user, pk=visit_id)
    if not can_record_opinions(request.user, visit):
        raise Http404
    data = _opinion_refs(request.user, payload.dict())
    return Status(201, services.opinion_add(actor=request.user, visit=visit, **data))


def _opinion_refs(user, data: dict) -> dict:
    """The topic and locality ids of an opinion body turned into records within reach (422 otherwise), the
    choices into their codes."""
    if "topic" in data:
        data["topic"] = resolve_ref(user, org_selectors.field_list, data["topic"], "topic")
    if "locality" in data:
        data["locality"] = resolve_ref(user, org_selectors.unit_list, data["locality"], "locality")
    for name in ("speaker_kind", "kind"):
        if name in data:
            data[name] = data[name].value if data[name] is not None else ""
    for name in ("speaker_name", "content"):
        if name in data and data[name] is None:
            data[name] = ""
    return data


@router.get("/opinions/{id:opinion_id}", response=OpinionDetailOut, summary="An opinion heard")
def get_opinion(request, opinion_id: int):
    """Archived or not, for whoever sees its visit (its `version` is the one a correction sends)."""
    return selectors.get_opinion_for_user(user=request.user, pk=opinion_id)


@router.patch("/opinions/{id:opinion_id}", response=OpinionDetailOut, summary="Correct an opinion heard")
def update_opinion(request, opinion_id: int, payload: OpinionPatch):
    """Only the fields sent change; `version` must be the one read (409 otherwise). The office, or the leader
    of the opinion's visit; the visit's sides heard are counted again."""
    require_writer(request.user)
    opinion = selectors.get_opinion_for_user(user=request.user, pk=opinion_id, action="change")
    data = _opinion_refs(request.user, payload.dict(exclude_unset=True, exclude={"version"}))
    return services.opinion_update(actor=request.user, opinion=opinion, version=payload.version, **data)


@router.post(
    "/opinions/{id:opinion_id}/archive", response=OpinionDetailOut, summary="Archive an opinion heard"
)
def archive_opinion(request, opinion_id: int, payload: OpinionVersionIn):
    """It leaves the search and the visit's sides heard; its record and history stay."""
    require_writer(request.user)
    opinion = selectors.get_opinion_for_user(user=request.user, pk=opinion_id, action="change")
    return services.opinion_archive(actor=request.user, opinion=opinion, version=payload.version)


@router.post(
    "/opinions/{id:opinion_id}/restore", response=OpinionDetailOut, summary="Restore an archived opinion"
)
def restore_opinion(request, opinion_id: int, payload: OpinionVersionIn):
    require_writer(request.user)
    opinion = selectors.get_opinion_for_user(user=request.user, pk=opinion_id, action="change")
    return services.opinion_restore(actor=request.user, opinion=opinion, version=payload.version)


@router.get("/opinions/", response=OpinionPage, summary="Search the opinions heard")
def search_opinions(request, filters: Query[OpinionQuery], paging: Query[OpinionPageQuery]):
    """`q` (every word, diacritics ignored), `topic`, `speaker`, `kind`, `locality`, `leader`, `from`, `to`
    (the day heard). The count stops at 1,000: `more` says there are more."""
    rows = filter_api(OpinionFilterSet, request, selectors.opinion_list(user=request.user), filters)
    rows = rows.order_by("-heard_on", "-id")
    count, more = selectors.capped_count(rows)
    start = (paging.page - 1) * paging.page_size
    items = selectors.SearchPage(rows, count)[start : start + paging.page_size]
    return {"items": items, "count": count, "more": more}


# --- many sides


@router.get("/one-side-visits", response=list[VisitOut], summary="Visits that heard only one side")
@paginate(PageNumberPagination, page_size=50)
def one_side_visits(request, filters: Query[OneSideQuery]):
    """Carried-out visits whose opinions all came from one kind of speaker (the office and the Standing
    Board)."""
    if not sees_one_side(request.user):
        raise Http404
    rows = filter_api(OneSideFilterSet, request, selectors.one_side_visits(user=request.user), filters)
    return rows.order_by("-starts_at", "-id")


@router.get(
    "/one-side-visits/tallies", response=OneSideTalliesOut, summary="One-side visits per leader and locality"
)
def one_side_tallies(request, filters: Query[OneSideQuery]):
    if not sees_one_side(request.user):
        raise Http404
    rows = filter_api(OneSideFilterSet, request, selectors.one_side_visits(user=request.user), filters)
    return selectors.one_side_tallies(rows)


confidentiality_routes(router, "/visits", selectors.get_visit_for_user, "change", noun="visit")
