"""Pages of the follow-up loop, built from core.toolkit's generic views and configured by attributes.

Every record is reached through its selector's `get_*_for_user` gate, so someone else's record (another
organisation's, or outside the user's scope) answers 404, and a write the user may not make answers 404 too.
Each list is filtered by its one FilterSet (followup.filters), shared with its API list and its export.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from core import audit, references
from core.converters import MAX_ID
from core.forms import form_errors_text
from core.imports import ImportTarget
from core.listing import SortOption, paginate
from core.models import Attachment
from core.scoping import reach_of
from core.toolkit import (
    ObjectActionView,
    ObjectDetailView,
    ObjectExportView,
    ObjectFormView,
    ObjectImportView,
    ObjectListView,
    can_write,
)
from core.web import attachment_response, filter_query, posted_version
from followup import exports, selectors, services
from followup.badges import BUCKET_COLOURS, badges
from followup.choices import (
    OBSTACLE_TRANSITIONS,
    CheckMethod,
    ObstacleCategory,
    ObstacleStatus,
    ResolutionLevel,
    SourceKind,
    StatusBucket,
    Verdict,
)
from followup.filters import (
    CHECK_STATES,
    DirectiveFilterSet,
    NoticeFilterSet,
    ObstacleFilterSet,
    ReSupervisionFilterSet,
)
from followup.forms import (
    AssignForm,
    CloseForm,
    DirectiveForm,
    EscalateForm,
    NoticeForm,
    NoticeImportForm,
    ObstacleForm,
    ProgressReportForm,
    RecheckForm,
    ResolveForm,
    ResolvingForm,
    ReSupervisionRecordForm,
    VerifyForm,
)
from followup.models import ProgressReport
from org import selectors as org_selectors

MY_ITEMS_LIMIT = 10

OBSTACLE_SORTS = [
    SortOption("raised", gettext_lazy("Raised on"), ("-raised_on", "-id")),
    SortOption("deadline", gettext_lazy("Deadline"), ("deadline", "id")),
    SortOption("status", gettext_lazy("Status"), ("status", "-raised_on", "-id")),
]
DIRECTIVE_SORTS = [
    SortOption("deadline", gettext_lazy("Deadline"), ("deadline", "id")),
    SortOption("issued", gettext_lazy("Issued on"), ("-issued_on", "-id")),
    SortOption("number", gettext_lazy("Reference"), ("sort_key", "deadline", "id")),
]
CHECK_SORTS = [
    SortOption("due", gettext_lazy("Due on"), ("due_on", "id")),
    SortOption("checked", gettext_lazy("Checked on"), ("-checked_on", "-id")),
]
NOTICE_SORTS = [SortOption("issued", gettext_lazy("Issued on"), ("-issued_on", "-id"))]
SUMMARY_GROUPS = {
    "category": gettext_lazy("Category"),
    "level": gettext_lazy("Level"),
    "agency": gettext_lazy("Agency"),
    "locality": gettext_lazy("Locality"),
}


# --- helpers --------------------------------------------------------------------------------------


class FollowupPage:
    """Every follow-up page belongs to an organisation: a user with none is told the page does not exist."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.method.lower() in self.http_method_names:
            self.committee = org_selectors.committee_or_404(request.user)
        return super().dispatch(request, *args, **kwargs)


def _chips(counts: dict) -> list[tuple]:
    """The bucket chips above a list of directives: key, label, count, colour."""
    return [(b, label, counts[b], BUCKET_COLOURS[b]) for b, label in StatusBucket.choices]


def _leaders(user, keep=None):
    """People who can issue directives (on a body or holding an assignment), and `keep` if set."""
    leaders = org_selectors.person_list(user=user, leaders_only=True)
    if keep is not None and not leaders.filter(pk=keep).exists():
        return org_selectors.person_list(user=user)
    return leaders


def _agencies(user):
    return org_selectors.agency_list(user=user).order_by("sort_key", "id")


def _localities(user):
    return org_selectors.unit_list(user=user).order_by("level", "sort_key", "id")


# --- my items -------------------------------------------------------------------------------------


@require_safe
@login_required
def my_items(request):
    """What the user must do: overdue, due this week, open directives, checks due, open obstacles."""
    user = request.user
    org_selectors.committee_or_404(user)
    today = timezone.localdate()
    items = selectors.my_items(user=user, today=today)
    person = getattr(user, "person", None)
    mine = ""
    if not user.is_office and user.agency_id:
        mine = f"unit={user.agency_id}&"
    elif not user.is_office and person is not None:
        mine = f"leader={person.pk}&"
    titles = {
        "overdue": (_("Overdue"), f"?{mine}bucket=overdue&open=1"),
        "due_this_week": (
            _("Due this week"),
            f"?{mine}open=1&date_from={today:%d/%m/%Y}&date_to={today + dt.timedelta(days=7):%d/%m/%Y}",
        ),
        "open": (_("Open directives"), f"?{mine}open=1"),
        "checks_due": (_("Re-supervision due"), "?state=pending"),
        "obstacles": (_("Open obstacles"), "?open=1"),
    }
    sections = {}
    counts = items["directive_counts"]  # the three directive sections, counted together
    for key, (title, more) in titles.items():
        qs = items[key]
        if key in counts:
            qs = qs.order_by("deadline", "id")
        count = counts[key] if key in counts else qs.count()
        sections[key] = {"title": title, "rows": list(qs[:MY_ITEMS_LIMIT]), "count": count, "more": more}
    return render(
        request,
        "followup/my_items.html",
        {"nav": "my_items", "sections": sections, "today": today, **badges()},
    )


# --- obstacles ------------------------------------------------------------------------------------


def _summary_rows(rows: list[dict], by: str) -> list[dict]:
    labels = {"category": dict(ObstacleCategory.choices), "level": dict(ResolutionLevel.choices)}.get(by)
    for row in rows:
        key = row["key"]
        row["label"] = labels.get(key, key) if labels else key
    return rows


class ObstacleList(FollowupPage, ObjectListView):
    """Obstacles with the shared filter, their age, and counts by category, level, agency or locality."""

    selector = selectors.obstacle_list
    filterset = ObstacleFilterSet
    sorts = OBSTACLE_SORTS
    primary_filters = ("q", "status", "overdue")
    template_name, partial_name = "followup/obstacle_list.html", "followup/_obstacle_rows.html"
    nav = "obstacles"

    def get_extra_context(self, request, page, filterset):
        user, today = request.user, timezone.localdate()
        by = request.GET.get("by") if request.GET.get("by") in SUMMARY_GROUPS else "category"
        return {
            "rows": [
                (o, selectors.obstacle_age_days(o, today), selectors.days_since_escalation(o, today))
                for o in page
            ],
            "statuses": ObstacleStatus.choices,
            "categories": ObstacleCategory.choices,
            "levels": ResolutionLevel.choices,
            "agencies": _agencies(user),
            "localities": _localities(user),
            "summary": _summary_rows(selectors.obstacle_summary(filterset.qs, by), by),
            "summary_by": by,
            "summary_groups": SUMMARY_GROUPS,
            "qs_by": filter_query(request, "by"),
            "export_query": filter_query(request, "sort", "by"),
            "can_create": can_write(user),
            **badges(),
        }


class ObstacleExport(FollowupPage, ObjectExportView):
    selector = selectors.obstacle_list
    filterset = ObstacleFilterSet
    sorts = OBSTACLE_SORTS
    workbook = exports.obstacle_workbook
    filename = "obstacles"


OBSTACLE_FIELDS = (
    "title",
    "description",
    "category",
    "locality",
    "agency",
    "raised_by",
    "raised_in",
    "raised_on",
    "resolution_level",
    "responsible_agency",
    "deadline",
)


class ObstacleEdit(FollowupPage, ObjectFormView):
    """Raise an obstacle (anyone who may write) or correct one (the gate's "change")."""

    permission = can_write
    gate = selectors.get_obstacle_for_user
    form_class = ObstacleForm
    initial_fields = (*OBSTACLE_FIELDS, "version")
    template_name, context_object_name, nav = "followup/obstacle_form.html", "obstacle", "obstacles"

    def get_initial(self, request, obstacle):
        if obstacle is None:
            return {"raised_on": timezone.localdate(), "raised_by": getattr(request.user, "person", None)}
        return super().get_initial(request, obstacle)

    def get_form_kwargs(self, request, obstacle):
        return _obstacle_pickers(request.user, obstacle)

    def form_data(self, form):
        return {k: form.cleaned_data[k] for k in OBSTACLE_FIELDS}

    def create(self, request, data):
        return services.obstacle_create(actor=request.user, organization=self.committee, **data)

    def update(self, request, obstacle, data, version):
        return services.obstacle_update(actor=request.user, obstacle=obstacle, version=version, **data)


def _obstacle_pickers(user, obstacle=None) -> dict:
    """Pickers of the obstacle form: the subject within the user's reach, any agency to resolve it."""
    localities = org_selectors.unit_list(user=user).order_by("level", "sort_key", "id")
    subjects = org_selectors.agency_list(user=user).order_by("sort_key", "id")
    agencies = org_selectors.agency_list(user=user).order_by("sort_key", "id")
    if not user.sees_all:
        # Someone who does not see everything raises obstacles on the places and units they reach,
        # so that what they raise stays in their own lists.
        reach = reach_of(user)
        keep_locality = obstacle.locality_id if obstacle else None
        keep_agency = obstacle.agency_id if obstacle else None
        localities = localities.filter(Q(pk__in=sorted(reach.locality_ids)) | Q(pk=keep_locality))
        subjects = subjects.filter(Q(pk__in=sorted(reach.agency_ids)) | Q(pk=keep_agency))
    return {
        "localities": localities,
        "agencies": agencies,
        "subjects": subjects,
        "people": org_selectors.person_list(user=user).order_by("sort_key", "id"),
    }


MOVE_FORMS = {
    ObstacleStatus.ESCALATED: EscalateForm,
    ObstacleStatus.ASSIGNED: AssignForm,
    ObstacleStatus.RESOLVING: ResolvingForm,
    ObstacleStatus.RESOLVED: ResolveForm,
    ObstacleStatus.VERIFIED: VerifyForm,
    ObstacleStatus.CLOSED: CloseForm,
}


def _move_form(status: str, user, obstacle=None, data=None):
    kwargs = {}
    initial = {}
    if status == ObstacleStatus.ASSIGNED:
        kwargs = {
            "agencies": org_selectors.agency_list(user=user).order_by("sort_key", "id"),
            "leaders": _leaders(user),
        }
        if obstacle is not None:
            initial = {
                "responsible_agency": obstacle.responsible_agency_id,
                "deadline": obstacle.deadline,
                "issued_by": getattr(services.leader_person(user), "pk", None),
            }
    return MOVE_FORMS[status](data, initial=initial, auto_id=f"id_{status}_%s", **kwargs)


def _move_label(current: str, status: str) -> str:
    labels = {
        ObstacleStatus.ESCALATED: _("Escalate to the Standing Committee"),
        ObstacleStatus.ASSIGNED: _("Assign to an agency"),
        ObstacleStatus.RESOLVING: _("Back to resolving")
        if current == ObstacleStatus.RESOLVED
        else _("Start resolving"),
        ObstacleStatus.RESOLVED: _("Mark as resolved"),
        ObstacleStatus.VERIFIED: _("Verify the resolution"),
        ObstacleStatus.CLOSED: _("Close for another reason"),
    }
    return labels[status]


class ObstacleDetail(FollowupPage, ObjectDetailView):
    """One obstacle: its fields, the moves the user may make, its directives and checks, its timeline."""

    gate = selectors.get_obstacle_for_user
    template_name, context_object_name, nav = "followup/obstacle_detail.html", "obstacle", "obstacles"
    actions = {"edit": selectors.may_edit_obstacle}

    def get_extra_context(self, request, obstacle):
        user, today = request.user, timezone.localdate()
        actions = [
            {
                "status": status,
                "label": _move_label(obstacle.status, status),
                "form": _move_form(status, user, obstacle),
                "danger": status == ObstacleStatus.CLOSED,
            }
            for status in OBSTACLE_TRANSITIONS.get(obstacle.status, ())
            if selectors.may_move_obstacle(user, obstacle, status)
        ]
        checks = list(
            selectors.resupervision_list(user=user).filter(obstacle=obstacle).order_by("due_on", "id")
        )
        directive_rows = selectors.obstacle_directive_rows(user, obstacle, checks)
        directive_checks = [c for _d, _depth, cs in directive_rows for c in cs]
        events = audit.history_for(
            obstacle, *[d for d, _depth, _cs in directive_rows], *checks, *directive_checks
        )
        return {
            "origin": references.reference(user, obstacle.origin if obstacle.origin_type_id else None),
            "age": selectors.obstacle_age_days(obstacle, today),
            "since_escalation": selectors.days_since_escalation(obstacle, today),
            "actions": actions,
            "checks": checks,
            "directive_rows": directive_rows,
            "events": audit.timeline(events[:40]),
            "today": today,
            **badges(),
        }


class ObstacleMove(FollowupPage, ObjectActionView):
    """Move an obstacle along its workflow through the one service; a refusal shows its message."""

    gate = selectors.get_obstacle_for_user

    def post(self, request, pk, *args, **kwargs):
        self.gate_action = "resolve" if request.POST.get("status") in selectors.RESOLVE_MOVES else "change"
        return super().post(request, pk, *args, **kwargs)

    def perform(self, request, obstacle):
        status = request.POST.get("status", "")
        version = posted_version(request)
        data = {}
        if status in MOVE_FORMS and status in OBSTACLE_TRANSITIONS.get(obstacle.status, ()):
            form = _move_form(status, request.user, data=request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors_text(form))
            data = dict(form.cleaned_data)
            if "cooperating_units" in data:
                data["cooperating_units"] = list(data["cooperating_units"])
        obstacle, directive = services.obstacle_move(
            actor=request.user, obstacle=obstacle, status=status, version=version, **data
        )
        if directive is not None:
            self.success_message = _("The obstacle has been assigned and a directive issued.")
        else:
            self.success_message = _("The obstacle is now “{status}”.").format(
                status=ObstacleStatus(status).label
            )
        return obstacle


# --- directives -----------------------------------------------------------------------------------


class NoticeItemOrder:
    """A list of directives filtered to one conclusion notice, and not sorted otherwise, reads in the notice's
    number order, as on the notice's page and in the API."""

    def sorted(self, request, queryset):
        if request.GET.get("notice") and not request.GET.get("sort"):
            return queryset.order_by(*selectors.notice_item_order()), "number"
        return super().sorted(request, queryset)


class DirectiveList(FollowupPage, NoticeItemOrder, ObjectListView):
    """Directives with the shared filter, their status buckets, and the count in each bucket."""

    selector = selectors.directive_list
    filterset = DirectiveFilterSet
    sorts = DIRECTIVE_SORTS
    primary_filters = ("q", "bucket", "parent")  # the chips and the search are in sight; a chain's link
    template_name, partial_name = "followup/directive_list.html", "followup/_directive_rows.html"
    nav = "directives"

    def known_count(self, request, filterset):
        """The list's length from the bucket chips' tallies (one query for both, not a count of its own)."""
        # The chips count every bucket under the other filters, so the bucket itself is left out.
        self.counts = selectors.bucket_counts(self.filtered(request, drop=("bucket",))[1])
        bucket = filterset.applied.get("bucket", "")
        return self.counts[bucket] if bucket else sum(self.counts.values())

    def get_extra_context(self, request, page, filterset):
        user = request.user
        counts = self.counts
        return {
            "bucket": filterset.applied.get("bucket", ""),
            "chips": _chips(counts),
            "total": sum(counts.values()),
            "qs_bucket": filter_query(request, "bucket"),
            "units": _agencies(user),
            "leaders": _leaders(user).order_by("sort_key", "id"),
            "localities": _localities(user),
            "source_kinds": SourceKind.choices,
            "notices": selectors.notice_list(user=user),
            "can_create": services.may_issue_directives(user),
            **badges(),
        }


class DirectiveExport(FollowupPage, NoticeItemOrder, ObjectExportView):
    selector = selectors.directive_list
    filterset = DirectiveFilterSet
    sorts = DIRECTIVE_SORTS
    workbook = exports.directive_workbook
    filename = "directives"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return references.annotate(qs, request.user, "parent", generic=("source_type", "source_id"))


DIRECTIVE_FIELDS = ("number", "content", "issued_on", "lead_unit", "locality", "deadline")


def _directive_pickers(user, **kwargs) -> dict:
    """The directive form's pickers; the office names the issuing leader (keeping the one it had)."""
    keep = kwargs.pop("keep", None)
    leaders = _leaders(user, keep=keep).order_by("sort_key", "id") if user.is_office else None
    return {"agencies": _agencies(user), "localities": _localities(user), "leaders": leaders, **kwargs}


class DirectiveCreate(FollowupPage, ObjectFormView):
    """Issue a standalone directive or one of a conclusion notice: the office, or a leader in their name."""

    permission = services.may_issue_directives
    form_class = DirectiveForm
    template_name, context_object_name, nav = "followup/directive_form.html", "directive", "directives"
    success_message = gettext_lazy("The directive has been issued.")

    def get_initial(self, request, directive):
        initial = {"issued_on": timezone.localdate()}
        notice_id = request.GET.get("notice", "")
        if notice_id.isdigit():
            initial["notice"] = int(notice_id)
        return initial

    def get_form_kwargs(self, request, directive):
        return _directive_pickers(request.user, notices=selectors.notice_list(user=request.user))

    def create(self, request, data):
        user, notice = request.user, data["notice"]
        return services.directive_create(
            actor=user,
            organization=self.committee,
            issued_by=data["issued_by"] if user.is_office else services.leader_person(user),
            source_kind=SourceKind.CONCLUSION_NOTICE if notice else SourceKind.OTHER,
            source=notice,
            cooperating_units=list(data["cooperating_units"]),
            **{k: data[k] for k in DIRECTIVE_FIELDS},
        )


class DirectiveEdit(FollowupPage, ObjectFormView):
    """Correct a directive: the office, or the leader who issued it."""

    permission = can_write
    gate = selectors.get_directive_for_user
    form_class = DirectiveForm
    initial_fields = (*DIRECTIVE_FIELDS, "issued_by", "version")
    template_name, context_object_name, nav = "followup/directive_form.html", "directive", "directives"

    def get_initial(self, request, directive):
        return {
            **super().get_initial(request, directive),
            "cooperating_units": list(directive.cooperating_units.all()),
        }

    def get_form_kwargs(self, request, directive):
        return _directive_pickers(request.user, keep=directive.issued_by_id, with_source=False)

    def update(self, request, directive, data, version):
        fields = {k: data[k] for k in DIRECTIVE_FIELDS}
        if request.user.is_office:
            fields["issued_by"] = data["issued_by"]
        return services.directive_update(
            actor=request.user,
            directive=directive,
            version=version,
            cooperating_units=list(data["cooperating_units"]),
            **fields,
        )


class DirectiveDetail(FollowupPage, ObjectDetailView):
    """One directive: source, units, deadline and bucket, progress reports, its chain and its timeline.

    Every other record it mentions (its source, the directive it follows up, the chain's obstacle and
    directives) is named and linked only when the user may open it; otherwise it reads "out of reach".
    """

    gate = selectors.get_directive_for_user
    template_name, context_object_name, nav = "followup/directive_detail.html", "directive", "directives"
    actions = {
        "report": selectors.may_report_progress,
        "change": selectors.may_change_directive,
        "confirm": services.may_confirm_completion,
    }
    report_form = None  # bound, with its errors, after a refused report

    def get_extra_context(self, request, directive):
        user = request.user
        reports = list(directive.progress_reports.select_related("author").order_by("reported_at", "id"))
        files = selectors.report_attachments(reports)
        chain, chain_rows, checks = selectors.directive_chain(user=user, directive=directive)
        source = directive.source if directive.source_type_id else None
        head = selectors.chain_head(chain[0]) if chain else None
        source_ref, parent_ref, head_ref = references.resolve(
            user,
            [source, directive.parent, head],
            [directive.source_label, None, getattr(head, "title", None)],
        )
        report_form = self.report_form
        if report_form is None and selectors.may_report_progress(user, directive):
            report_form = ProgressReportForm(initial={"version": directive.version})
        return {
            "source_ref": source_ref,
            "parent_ref": parent_ref,
            "cooperating": list(directive.cooperating_units.all()),
            "reports": [(r, files.get(r.pk, [])) for r in reports],
            "report_form": report_form,
            "chain_head": head if head_ref.visible else None,
            "chain_head_ref": head_ref,
            "chain_rows": chain_rows,
            "out_of_reach": references.HIDDEN,
            "checks": checks,
            "events": audit.timeline(audit.history_for(directive, *checks)[:40]),
            "today": timezone.localdate(),
            **badges(),
        }


class DirectiveReport(FollowupPage, ObjectFormView):
    """The lead unit's focal point (or the office) reports progress, with evidence, maybe completion; a
    refused report shows the directive's page again with the form and its errors."""

    http_method_names = ["post"]
    gate, gate_action = selectors.get_directive_for_user, "report"
    form_class = ProgressReportForm

    def get_form(self, request, directive):
        return ProgressReportForm(request.POST, request.FILES)

    def update(self, request, directive, data, version):
        services.directive_report_progress(
            actor=request.user,
            directive=directive,
            version=version,
            text=data["text"],
            claims_done=data["claims_done"],
            files=request.FILES.getlist("files"),
        )
        if data["claims_done"]:
            self.success_message = _("Completion has been reported.")
        else:
            self.success_message = _("Progress has been reported.")
        return directive

    def render_form(self, request, directive, form):
        return DirectiveDetail(report_form=form).render_detail(request, directive)


class DirectiveConfirm(FollowupPage, ObjectActionView):
    """The issuing leader or the office confirms the completion the lead unit reported, or returns it."""

    gate = selectors.get_directive_for_user

    def perform(self, request, directive):
        version = posted_version(request)
        if request.POST.get("decision") == "return":
            self.success_message = _("The completion has been returned to the lead unit.")
            reason = request.POST.get("reason", "")
            return services.directive_return_completion(
                actor=request.user, directive=directive, version=version, reason=reason
            )
        self.success_message = _("The completion has been confirmed.")
        return services.directive_confirm_completion(actor=request.user, directive=directive, version=version)


class ResupervisionList(FollowupPage, ObjectListView):
    """Re-supervision checks: pending, due or recorded, by verdict, leader, locality and due period."""

    selector = selectors.resupervision_list
    filterset = ReSupervisionFilterSet
    sorts = CHECK_SORTS
    template_name, partial_name = "followup/resupervision_list.html", "followup/_resupervision_rows.html"
    nav = "resupervisions"

    def get_queryset(self, request):
        return references.annotate(super().get_queryset(request), request.user, "directive", "obstacle")

    def get_extra_context(self, request, page, filterset):
        user = request.user
        return {
            "states": CHECK_STATES,
            "verdicts": Verdict.choices,
            "out_of_reach": references.HIDDEN,
            "leaders": _leaders(user).order_by("sort_key", "id"),
            "localities": _localities(user),
            "today": timezone.localdate(),
            **badges(),
        }


class ResupervisionExport(FollowupPage, ObjectExportView):
    selector = selectors.resupervision_list
    filterset = ReSupervisionFilterSet
    sorts = CHECK_SORTS
    workbook = exports.resupervision_workbook
    filename = "resupervisions"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return references.annotate(qs, request.user, "directive", "obstacle", "follow_up")


class ResupervisionDetail(FollowupPage, ObjectDetailView):
    """One check: the item, the verdict and its evidence, the checks before and after it, the follow-up."""

    gate = selectors.get_resupervision_for_user
    template_name, context_object_name, nav = "followup/resupervision_detail.html", "check", "resupervisions"
    actions = {"record": selectors.may_record_check}

    def get_extra_context(self, request, check):
        user = request.user
        superseded_by = selectors.resupervision_list(user=user).filter(supersedes=check).first()
        follow_up = None
        if check.follow_up_id:
            directives = selectors.directive_list(user=user, include_archived=True)
            follow_up = directives.filter(pk=check.follow_up_id).first()
        item_ref, supersedes_ref = references.resolve(
            user, [check.item, check.supersedes], [getattr(check.obstacle, "title", None), None]
        )
        follow_up_ref = references.NOTHING
        if check.follow_up_id and follow_up is None:
            follow_up_ref = references.HIDDEN
        may_recheck = selectors.may_record_check(user, check) and check.is_recorded and not superseded_by
        return {
            "item": check.item,
            "item_ref": item_ref,
            "supersedes_ref": supersedes_ref,
            "follow_up_ref": follow_up_ref,
            "item_bucket": selectors.checked_directive_bucket(user, check),
            "superseded_by": superseded_by,
            "follow_up": follow_up,
            "recheck_form": RecheckForm() if may_recheck else None,
            "events": audit.timeline(audit.history_for(check)[:20]),
            "today": timezone.localdate(),
            **badges(),
        }


class ResupervisionRecord(FollowupPage, ObjectFormView):
    """Record a check's verdict, once; a recorded check is shown read-only (history is append-only)."""

    gate, gate_action = selectors.get_resupervision_for_user, "record"
    form_class = ReSupervisionRecordForm
    template_name, context_object_name, nav = "followup/resupervision_record.html", "check", "resupervisions"

    def get_initial(self, request, check):
        return {
            "checked_on": timezone.localdate(),
            "method": CheckMethod.ON_SITE,
            "follow_up_deadline": services.follow_up_deadline(check.organization),
        }

    def get_form(self, request, check):
        return None if check.is_recorded else super().get_form(request, check)

    def post(self, request, pk=None, *args, **kwargs):
        check = self.get_object(request, pk)
        if check.is_recorded:
            messages.error(
                request, _("This check already has a verdict; it cannot be changed. Schedule a new check.")
            )
            return redirect(check.get_absolute_url())
        return super().post(request, pk, *args, **kwargs)

    def save(self, request, check, form):
        check = services.resupervision_record(actor=request.user, check=check, **form.cleaned_data)
        if check.follow_up_id:
            self.success_message = _("The verdict has been recorded and a follow-up directive issued.")
        else:
            self.success_message = _("The verdict has been recorded.")
        return check

    def get_extra_context(self, request, check):
        if check.directive_id:  # the leader writes the follow-up with the earlier directive in sight
            earlier = (_("The earlier directive"), check.directive.content)
        else:
            obstacle = check.obstacle
            earlier = (_("The resolution checked"), obstacle.resolution or obstacle.description)
        return {
            "item": check.item,
            "item_bucket": selectors.checked_directive_bucket(request.user, check),
            "earlier_label": earlier[0],
            "earlier_text": earlier[1],
            **badges(),
        }


class ResupervisionRecheck(FollowupPage, ObjectActionView):
    """Schedule a new check that supersedes a recorded one; the first stays in the history."""

    gate, gate_action = selectors.get_resupervision_for_user, "record"
    success_message = gettext_lazy("A new check has been scheduled.")

    def perform(self, request, check):
        form = RecheckForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form_errors_text(form))
        return services.resupervision_recheck(
            actor=request.user, check=check, due_on=form.cleaned_data["due_on"]
        )


# --- conclusion notices ---------------------------------------------------------------------------


class NoticeList(FollowupPage, ObjectListView):
    """The Standing Committee's conclusion notices, searchable, with the number of directives in each."""

    selector = selectors.notice_list
    filterset = NoticeFilterSet
    sorts = NOTICE_SORTS
    template_name, partial_name, nav = "followup/notice_list.html", "followup/_notice_rows.html", "notices"


class NoticeCreate(FollowupPage, ObjectFormView):
    """Enter a conclusion notice (the office only)."""

    permission = selectors.may_manage_notices
    form_class = NoticeForm
    template_name, nav = "followup/notice_form.html", "notices"

    def get_initial(self, request, notice):
        return {"issued_on": timezone.localdate()}

    def create(self, request, data):
        return services.notice_create(actor=request.user, organization=self.committee, **data)


class NoticeDetail(FollowupPage, ObjectDetailView):
    """A notice and its directives, with their status buckets; htmx asks for the rows alone."""

    gate = selectors.get_notice_for_user
    template_name, partial_name = "followup/notice_detail.html", "followup/_directive_rows.html"
    context_object_name, nav = "notice", "notices"
    actions = {"add": services.may_add_directives, "import": selectors.may_import_directives}

    def get_extra_context(self, request, notice):
        directives = selectors.directive_list(user=request.user, filters={"notice": notice.pk})
        counts = selectors.bucket_counts(directives)
        return {
            "page": paginate(request, directives.order_by(*selectors.notice_item_order())),
            "chips": _chips(counts),
            "total": sum(counts.values()),
            **badges(),
        }


class NoticeImport(FollowupPage, ObjectImportView):
    """Import a notice's directives from an Excel sheet (the office), as a background task with a progress
    page: all or nothing, errors by cell."""

    form_class = NoticeImportForm
    import_kind = "directives"
    template_workbook = exports.directive_import_template
    template_filename = "directives-template.xlsx"
    template_name, context_object_name, nav = "core/import.html", "notice", "notices"

    def get_object(self, request, pk):
        return selectors.get_notice_for_user(user=request.user, pk=pk, action="change")

    def job_params(self, request, notice):
        return {"notice": notice.pk}

    def get_extra_context(self, request, notice):
        return {
            "title": _("Import directives"),
            "pretitle": notice.number,
            "intro": _(
                "Upload an Excel sheet with the directives of notice {number}, one per row. If any row has "
                "an error, nothing is imported: correct the sheet and upload it again."
            ).format(number=notice.number),
            "template_url": reverse("followup:notice_import", args=[notice.pk]) + "?template=1",
            "cancel_url": notice.get_absolute_url(),
        }


def directive_import_target(user, params: dict) -> ImportTarget:
    """The directive import of core.imports' registry: into a notice (`params["notice"]`, its id) the user
    may import into; anything else is 404."""
    raw = str(params.get("notice", ""))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise Http404
    notice = selectors.get_notice_for_user(user=user, pk=int(raw), action="change")
    return ImportTarget(
        organization=notice.organization,
        arguments={"notice": notice},
        result_url=notice.get_absolute_url(),
        form_url=reverse("followup:notice_import", args=[notice.pk]),
    )


def directives_imported(count: int) -> str:
    return ngettext("{count} directive imported.", "{count} directives imported.", count).format(
        count=number_format(count, force_grouping=True)
    )


# --- files ----------------------------------------------------------------------------------------


@require_safe
@login_required
def attachment_download(request, pk: int):
    """An evidence file, only to someone who may see the record it is attached to; always a download."""
    user = request.user
    attachment = (
        Attachment.objects.select_related("content_type")
        .filter(pk=pk, organization_id=user.organization_id)
        .first()
    )
    if attachment is None or not user.role:
        raise Http404
    if attachment.content_type.model_class() is not ProgressReport:
        raise Http404
    report = ProgressReport.objects.filter(pk=attachment.object_id).only("directive_id").first()
    if report is None:
        raise Http404
    selectors.get_directive_for_user(user=user, pk=report.directive_id)
    return attachment_response(attachment)
