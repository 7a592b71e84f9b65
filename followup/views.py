"""Pages of the follow-up loop: thin views that parse, call a selector or a service, and render.

Every record is reached through its selector's `get_*_for_user` gate, so someone else's record (another
organisation's, or outside the user's scope) answers 404, and a write the user may not make answers 404 too.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core import audit, references
from core.errors import ConflictError
from core.forms import add_errors, form_errors_text, form_version
from core.listing import SortOption, paginate, render_list, sort_queryset
from core.models import Attachment
from core.scoping import reach_of
from core.web import allowed, attachment_response, filter_query, posted_version, xlsx_export, xlsx_response
from followup import exports, importers, selectors, services
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

# Badge colours (Tabler's "-lt" badges): the same everywhere a bucket, a status or a verdict is shown.
BUCKET_COLOURS = {
    StatusBucket.OVERDUE: "red",
    StatusBucket.DONE_LATE: "orange",
    StatusBucket.DONE_ON_TIME: "green",
    StatusBucket.IN_PROGRESS: "blue",
    StatusBucket.AWAITING_CONFIRMATION: "teal",
    StatusBucket.NOT_DUE: "secondary",
}
STATUS_COLOURS = {
    ObstacleStatus.NEW: "azure",
    ObstacleStatus.ESCALATED: "purple",
    ObstacleStatus.ASSIGNED: "blue",
    ObstacleStatus.RESOLVING: "cyan",
    ObstacleStatus.RESOLVED: "teal",
    ObstacleStatus.VERIFIED: "green",
    ObstacleStatus.CLOSED: "secondary",
}
VERDICT_COLOURS = {
    Verdict.IMPLEMENTED: "green",
    Verdict.PARTLY: "orange",
    Verdict.NOT_IMPLEMENTED: "red",
    Verdict.NOT_APPLICABLE: "secondary",
}

OBSTACLE_SORTS = [
    SortOption("raised", gettext_lazy("Raised on"), ("-raised_on", "-id")),
    SortOption("deadline", gettext_lazy("Deadline"), ("deadline", "id")),
    SortOption("status", gettext_lazy("Status"), ("status", "-raised_on", "-id")),
]
DIRECTIVE_SORTS = [
    SortOption("deadline", gettext_lazy("Deadline"), ("deadline", "id")),
    SortOption("issued", gettext_lazy("Issued on"), ("-issued_on", "-id")),
]
CHECK_SORTS = [
    SortOption("due", gettext_lazy("Due on"), ("due_on", "id")),
    SortOption("checked", gettext_lazy("Checked on"), ("-checked_on", "-id")),
]
SUMMARY_GROUPS = {
    "category": gettext_lazy("Category"),
    "level": gettext_lazy("Level"),
    "agency": gettext_lazy("Agency"),
    "locality": gettext_lazy("Locality"),
}


# --- helpers --------------------------------------------------------------------------------------


def _can_write(user) -> bool:
    return bool(user.role) and not user.is_read_only


def _badges() -> dict:
    """Labels and colours of buckets, statuses and verdicts, for the badge partials."""
    return {
        "bucket_labels": dict(StatusBucket.choices),
        "bucket_colours": BUCKET_COLOURS,
        "status_labels": dict(ObstacleStatus.choices),
        "status_colours": STATUS_COLOURS,
        "verdict_labels": dict(Verdict.choices),
        "verdict_colours": VERDICT_COLOURS,
    }


def _chips(counts: dict) -> list[tuple]:
    """The bucket chips above a list of directives: key, label, count, colour."""
    return [(b, label, counts[b], BUCKET_COLOURS[b]) for b, label in StatusBucket.choices]


def _leaders(user, keep=None):
    """People who can issue directives (on a body or holding an assignment), and `keep` if set."""
    leaders = org_selectors.person_list(user=user, leaders_only=True)
    if keep is not None and not leaders.filter(pk=keep).exists():
        return org_selectors.person_list(user=user)
    return leaders


# --- my items -------------------------------------------------------------------------------------


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
    for key, (title, more) in titles.items():
        qs = items[key]
        if key in ("overdue", "due_this_week", "open"):
            qs = qs.order_by("deadline", "id")
        sections[key] = {"title": title, "rows": list(qs[:MY_ITEMS_LIMIT]), "count": qs.count(), "more": more}
    return render(
        request,
        "followup/my_items.html",
        {"nav": "my_items", "sections": sections, "today": today, **_badges()},
    )


# --- obstacles ------------------------------------------------------------------------------------


def _summary_rows(rows: list[dict], by: str) -> list[dict]:
    labels = {"category": dict(ObstacleCategory.choices), "level": dict(ResolutionLevel.choices)}.get(by)
    for row in rows:
        key = row["key"]
        row["label"] = labels.get(key, key) if labels else key
    return rows


@login_required
def obstacle_list(request):
    """Obstacles with the shared filter, their age, and counts by category, level, agency or locality."""
    user = request.user
    org_selectors.committee_or_404(user)
    today = timezone.localdate()
    qs = selectors.obstacle_list(user=user, filters=request.GET, today=today)
    by = request.GET.get("by") if request.GET.get("by") in SUMMARY_GROUPS else "category"
    summary = _summary_rows(selectors.obstacle_summary(qs, by), by)
    qs, sort = sort_queryset(request, qs, OBSTACLE_SORTS)
    page = paginate(request, qs)
    rows = [
        (o, selectors.obstacle_age_days(o, today), selectors.days_since_escalation(o, today)) for o in page
    ]
    more = ("category", "level", "agency", "locality", "escalated", "open", "date_from", "date_to")
    context = {
        "nav": "obstacles",
        "page": page,
        "rows": rows,
        "sort": sort,
        "params": request.GET,
        "more_filters": any(request.GET.get(name) for name in more),
        "statuses": ObstacleStatus.choices,
        "categories": ObstacleCategory.choices,
        "levels": ResolutionLevel.choices,
        "agencies": org_selectors.agency_list(user=user).order_by("sort_key", "id"),
        "localities": org_selectors.unit_list(user=user).order_by("level", "sort_key", "id"),
        "summary": summary,
        "summary_by": by,
        "summary_groups": SUMMARY_GROUPS,
        "qs_by": filter_query(request, "by"),
        "export_query": filter_query(request, "sort", "by"),
        "can_create": _can_write(user),
        **_badges(),
    }
    return render_list(request, "followup/obstacle_list.html", "followup/_obstacle_rows.html", context)


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


@login_required
def obstacle_create(request):
    return _obstacle_form(request, None)


@login_required
def obstacle_edit(request, pk: int):
    obstacle = selectors.get_obstacle_for_user(user=request.user, pk=pk, action="change")
    return _obstacle_form(request, obstacle)


def _obstacle_form(request, obstacle):
    """Raise an obstacle (anyone who may write) or correct one (the gate's "change")."""
    user = request.user
    committee = org_selectors.committee_or_404(user)
    if not _can_write(user):
        raise Http404
    if obstacle is not None:
        initial = {f: getattr(obstacle, f) for f in (*OBSTACLE_FIELDS, "version")}
    else:
        initial = {"raised_on": timezone.localdate(), "raised_by": getattr(user, "person", None)}
    pickers = _obstacle_pickers(user, obstacle)
    form = ObstacleForm(
        request.POST or None,
        initial=initial,
        localities=pickers["localities"],
        subjects=pickers["subjects"],
        agencies=pickers["agencies"],
        people=pickers["people"],
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in OBSTACLE_FIELDS}
        try:
            if obstacle is None:
                obstacle = services.obstacle_create(actor=user, organization=committee, **data)
            else:
                version = form_version(form)
                obstacle = services.obstacle_update(actor=user, obstacle=obstacle, version=version, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(obstacle.get_absolute_url())
    return render(
        request, "followup/obstacle_form.html", {"nav": "obstacles", "form": form, "obstacle": obstacle}
    )


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


def _obstacle_directives(user, obstacle, checks) -> list[tuple]:
    """The directives issued for an obstacle and their follow-ups, depth first, with their checks.

    One query per generation of follow-ups (re-supervision keeps chains short), whatever their number.
    """
    spawned = [c.follow_up_id for c in checks if c.follow_up_id]
    found = {
        d.pk: d
        for d in selectors.directive_list(user=user, include_archived=True).filter(
            Q(source_kind=SourceKind.OBSTACLE, source_id=obstacle.pk) | Q(pk__in=spawned)
        )
    }
    roots = sorted(found.values(), key=lambda d: (d.issued_on, d.pk))
    frontier = list(found)
    while frontier:
        children = [
            d
            for d in selectors.directive_list(user=user, include_archived=True).filter(parent_id__in=frontier)
            if d.pk not in found
        ]
        found.update({d.pk: d for d in children})
        frontier = [d.pk for d in children]
    checks_by_directive: dict[int, list] = {}
    for check in selectors.resupervision_list(user=user).filter(directive_id__in=list(found)):
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


@login_required
def obstacle_detail(request, pk: int):
    """One obstacle: its fields, the moves the user may make, its directives and checks, its timeline."""
    user = request.user
    obstacle = selectors.get_obstacle_for_user(user=user, pk=pk)
    today = timezone.localdate()
    can_resolve = allowed(selectors.get_obstacle_for_user, user=user, pk=pk, action="resolve")
    can_change = can_resolve and allowed(selectors.get_obstacle_for_user, user=user, pk=pk, action="change")
    actions = []
    for status in OBSTACLE_TRANSITIONS.get(obstacle.status, ()):
        if can_change or (can_resolve and status in selectors.RESOLVE_MOVES):
            actions.append(
                {
                    "status": status,
                    "label": _move_label(obstacle.status, status),
                    "form": _move_form(status, user, obstacle),
                    "danger": status == ObstacleStatus.CLOSED,
                }
            )
    checks = list(selectors.resupervision_list(user=user).filter(obstacle=obstacle).order_by("due_on", "id"))
    directive_rows = _obstacle_directives(user, obstacle, checks)
    directive_checks = [c for _d, _depth, cs in directive_rows for c in cs]
    events = audit.history_for(
        obstacle, *[d for d, _depth, _cs in directive_rows], *checks, *directive_checks
    )
    return render(
        request,
        "followup/obstacle_detail.html",
        {
            "nav": "obstacles",
            "obstacle": obstacle,
            "origin": references.reference(user, obstacle.origin if obstacle.origin_type_id else None),
            "age": selectors.obstacle_age_days(obstacle, today),
            "since_escalation": selectors.days_since_escalation(obstacle, today),
            "actions": actions,
            "can_edit": can_change
            and obstacle.status not in (ObstacleStatus.VERIFIED, ObstacleStatus.CLOSED),
            "checks": checks,
            "directive_rows": directive_rows,
            "events": audit.timeline(events[:40]),
            "today": today,
            **_badges(),
        },
    )


@login_required
@require_POST
def obstacle_status(request, pk: int):
    """Move an obstacle along its workflow through the one service; a refusal shows its message."""
    user = request.user
    status = request.POST.get("status", "")
    gate = "resolve" if status in selectors.RESOLVE_MOVES else "change"
    obstacle = selectors.get_obstacle_for_user(user=user, pk=pk, action=gate)
    try:
        version = posted_version(request)
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect(obstacle.get_absolute_url())
    data = {}
    if status in MOVE_FORMS and status in OBSTACLE_TRANSITIONS.get(obstacle.status, ()):
        form = _move_form(status, user, data=request.POST)
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return redirect(obstacle.get_absolute_url())
        data = dict(form.cleaned_data)
        if "cooperating_units" in data:
            data["cooperating_units"] = list(data["cooperating_units"])
    try:
        obstacle, directive = services.obstacle_move(
            actor=user, obstacle=obstacle, status=status, version=version, **data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        if directive is not None:
            messages.success(request, _("The obstacle has been assigned and a directive issued."))
        else:
            messages.success(
                request,
                _("The obstacle is now “{status}”.").format(status=ObstacleStatus(status).label),
            )
    return redirect(obstacle.get_absolute_url())


@login_required
def obstacle_export(request):
    """The filtered list of obstacles as an Excel workbook."""
    user = request.user
    org_selectors.committee_or_404(user)
    qs = selectors.obstacle_list(user=user, filters=request.GET)
    qs, _sort = sort_queryset(request, qs, OBSTACLE_SORTS)
    return xlsx_export(request, exports.obstacle_workbook(qs), "obstacles")


# --- directives -----------------------------------------------------------------------------------


@login_required
def directive_list(request):
    """Directives with the shared filter, their status buckets, and the count in each bucket."""
    user = request.user
    org_selectors.committee_or_404(user)
    today = timezone.localdate()
    qs = selectors.directive_list(user=user, filters=request.GET, today=today)
    without_bucket = request.GET.copy()
    without_bucket.pop("bucket", None)
    counts = selectors.bucket_counts(selectors.directive_list(user=user, filters=without_bucket, today=today))
    qs, sort = sort_queryset(request, qs, DIRECTIVE_SORTS)
    page = paginate(request, qs)
    more = ("unit", "leader", "locality", "source_kind", "notice", "open", "date_from", "date_to")
    context = {
        "nav": "directives",
        "page": page,
        "sort": sort,
        "params": request.GET,
        "more_filters": any(request.GET.get(name) for name in more),
        "bucket": request.GET.get("bucket", ""),
        "chips": _chips(counts),
        "total": sum(counts.values()),
        "qs_bucket": filter_query(request, "bucket"),
        "export_query": filter_query(request, "sort"),
        "units": org_selectors.agency_list(user=user).order_by("sort_key", "id"),
        "leaders": _leaders(user).order_by("sort_key", "id"),
        "localities": org_selectors.unit_list(user=user).order_by("level", "sort_key", "id"),
        "source_kinds": SourceKind.choices,
        "notices": selectors.notice_list(user=user),
        "can_create": services.may_issue_directives(user),
        **_badges(),
    }
    return render_list(request, "followup/directive_list.html", "followup/_directive_rows.html", context)


DIRECTIVE_FIELDS = ("number", "content", "issued_on", "lead_unit", "locality", "deadline")


@login_required
def directive_create(request):
    """Issue a standalone directive or one of a conclusion notice: the office, or a leader in their name."""
    user = request.user
    committee = org_selectors.committee_or_404(user)
    if not services.may_issue_directives(user):
        raise Http404
    notice_id = request.GET.get("notice", "")
    initial = {"issued_on": timezone.localdate()}
    if notice_id.isdigit():
        initial["notice"] = int(notice_id)
    form = DirectiveForm(
        request.POST or None,
        initial=initial,
        agencies=org_selectors.agency_list(user=user).order_by("sort_key", "id"),
        localities=org_selectors.unit_list(user=user).order_by("level", "sort_key", "id"),
        leaders=_leaders(user).order_by("sort_key", "id") if user.is_office else None,
        notices=selectors.notice_list(user=user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = data["notice"]
        try:
            directive = services.directive_create(
                actor=user,
                organization=committee,
                issued_by=data["issued_by"] if user.is_office else services.leader_person(user),
                source_kind=SourceKind.CONCLUSION_NOTICE if notice else SourceKind.OTHER,
                source=notice,
                cooperating_units=list(data["cooperating_units"]),
                **{k: data[k] for k in DIRECTIVE_FIELDS},
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The directive has been issued."))
            return redirect(directive.get_absolute_url())
    return render(
        request, "followup/directive_form.html", {"nav": "directives", "form": form, "directive": None}
    )


@login_required
def directive_edit(request, pk: int):
    """Correct a directive: the office, or the leader who issued it."""
    user = request.user
    directive = selectors.get_directive_for_user(user=user, pk=pk, action="change")
    initial = {f: getattr(directive, f) for f in (*DIRECTIVE_FIELDS, "issued_by", "version")}
    initial["cooperating_units"] = list(directive.cooperating_units.all())
    form = DirectiveForm(
        request.POST or None,
        initial=initial,
        agencies=org_selectors.agency_list(user=user).order_by("sort_key", "id"),
        localities=org_selectors.unit_list(user=user).order_by("level", "sort_key", "id"),
        leaders=_leaders(user, keep=directive.issued_by_id).order_by("sort_key", "id")
        if user.is_office
        else None,
        with_source=False,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in DIRECTIVE_FIELDS}
        if user.is_office:
            fields["issued_by"] = data["issued_by"]
        try:
            directive = services.directive_update(
                actor=user,
                directive=directive,
                version=form_version(form),
                cooperating_units=list(data["cooperating_units"]),
                **fields,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(directive.get_absolute_url())
    return render(
        request, "followup/directive_form.html", {"nav": "directives", "form": form, "directive": directive}
    )


def _report_attachments(reports) -> dict[int, list]:
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


def _chain_head(first):
    """The obstacle a chain of directives starts from, if any (directly, or through a check of it)."""
    source = first.source if first.source_type_id else None
    if first.source_kind == SourceKind.OBSTACLE:
        return source
    if first.source_kind == SourceKind.RESUPERVISION and source is not None and source.obstacle_id:
        return source.obstacle
    return None


def _directive_page(request, directive, report_form=None, status=200):
    """The directive's page; the report form comes back bound with its errors after a failed report.

    Every other record it mentions (its source, the directive it follows up, the chain's obstacle and
    directives) is named and linked only when the user may open it; otherwise it reads "out of reach".
    """
    user = request.user
    can_report = allowed(selectors.get_directive_for_user, user=user, pk=directive.pk, action="report")
    can_change = allowed(selectors.get_directive_for_user, user=user, pk=directive.pk, action="change")
    can_confirm = services.may_confirm_completion(user, directive)
    reports = list(directive.progress_reports.select_related("author").order_by("reported_at", "id"))
    files = _report_attachments(reports)
    chain = selectors.chain_of(directive)
    visible = {
        d.pk: d
        for d in selectors.directive_list(user=user, include_archived=True).filter(
            pk__in=[d.pk for d in chain]
        )
    }
    chain_checks: dict[int, list] = {}
    for check in (
        selectors.resupervision_list(user=user)
        .filter(directive_id__in=list(visible))
        .order_by("due_on", "id")
    ):
        chain_checks.setdefault(check.directive_id, []).append(check)
    chain_rows = [(visible.get(d.pk), chain_checks.get(d.pk, [])) for d in chain]
    checks = chain_checks.get(directive.pk, [])
    source = directive.source if directive.source_type_id else None
    head = _chain_head(chain[0]) if chain else None
    source_ref, parent_ref, head_ref = references.resolve(
        user,
        [source, directive.parent, head],
        [directive.source_label, None, getattr(head, "title", None)],
    )
    if report_form is None and can_report:
        report_form = ProgressReportForm(initial={"version": directive.version})
    events = audit.history_for(directive, *checks)
    return render(
        request,
        "followup/directive_detail.html",
        {
            "nav": "directives",
            "directive": directive,
            "source_ref": source_ref,
            "parent_ref": parent_ref,
            "cooperating": list(directive.cooperating_units.all()),
            "reports": [(r, files.get(r.pk, [])) for r in reports],
            "can_report": can_report and not directive.closed_on,
            "can_change": can_change and not directive.closed_on,
            "can_confirm": can_confirm,
            "report_form": report_form,
            "chain_head": head if head_ref.visible else None,
            "chain_head_ref": head_ref,
            "chain_rows": chain_rows,
            "out_of_reach": references.HIDDEN,
            "checks": checks,
            "events": audit.timeline(events[:40]),
            "today": timezone.localdate(),
            **_badges(),
        },
        status=status,
    )


@login_required
def directive_detail(request, pk: int):
    """One directive: source, units, deadline and bucket, progress reports, its chain and its timeline."""
    directive = selectors.get_directive_for_user(user=request.user, pk=pk)
    return _directive_page(request, directive)


@login_required
@require_POST
def directive_report(request, pk: int):
    """The lead unit's focal point (or the office) reports progress, with evidence, maybe completion."""
    user = request.user
    directive = selectors.get_directive_for_user(user=user, pk=pk, action="report")
    form = ProgressReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.directive_report_progress(
                actor=user,
                directive=directive,
                version=form_version(form),
                text=data["text"],
                claims_done=data["claims_done"],
                files=request.FILES.getlist("files"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            if data["claims_done"]:
                messages.success(request, _("Completion has been reported."))
            else:
                messages.success(request, _("Progress has been reported."))
            return redirect(directive.get_absolute_url())
    return _directive_page(request, directive, report_form=form)


@login_required
@require_POST
def directive_confirm(request, pk: int):
    """The issuing leader or the office confirms the completion the lead unit reported, or returns it."""
    user = request.user
    directive = selectors.get_directive_for_user(user=user, pk=pk, action="change")
    returning = request.POST.get("decision") == "return"
    try:
        if returning:
            services.directive_return_completion(
                actor=user,
                directive=directive,
                version=posted_version(request),
                reason=request.POST.get("reason", ""),
            )
        else:
            services.directive_confirm_completion(
                actor=user, directive=directive, version=posted_version(request)
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        if returning:
            messages.success(request, _("The completion has been returned to the lead unit."))
        else:
            messages.success(request, _("The completion has been confirmed."))
    return redirect(directive.get_absolute_url())


@login_required
def directive_export(request):
    """The filtered list of directives as an Excel workbook."""
    user = request.user
    org_selectors.committee_or_404(user)
    qs = selectors.directive_list(user=user, filters=request.GET)
    qs = references.annotate(qs, user, "parent", generic=("source_type", "source_id"))
    qs, _sort = sort_queryset(request, qs, DIRECTIVE_SORTS)
    return xlsx_export(request, exports.directive_workbook(qs), "directives")


# --- re-supervision -------------------------------------------------------------------------------


@login_required
def resupervision_list(request):
    """Re-supervision checks: pending, due or recorded, by verdict, leader, locality and due period."""
    user = request.user
    org_selectors.committee_or_404(user)
    qs = selectors.resupervision_list(user=user, filters=request.GET)
    qs = references.annotate(qs, user, "directive", "obstacle")
    qs, sort = sort_queryset(request, qs, CHECK_SORTS)
    page = paginate(request, qs)
    context = {
        "nav": "resupervisions",
        "page": page,
        "sort": sort,
        "params": request.GET,
        "states": [
            ("pending", _("Not yet checked")),
            ("due", _("Due, not yet checked")),
            ("recorded", _("Recorded")),
        ],
        "verdicts": Verdict.choices,
        "out_of_reach": references.HIDDEN,
        "leaders": _leaders(user).order_by("sort_key", "id"),
        "localities": org_selectors.unit_list(user=user).order_by("level", "sort_key", "id"),
        "export_query": filter_query(request, "sort"),
        "today": timezone.localdate(),
        **_badges(),
    }
    return render_list(
        request, "followup/resupervision_list.html", "followup/_resupervision_rows.html", context
    )


def _item_bucket(user, check) -> str | None:
    """The status bucket of the directive a check is about (None for an obstacle)."""
    if not check.directive_id:
        return None
    row = selectors.directive_list(user=user, include_archived=True).filter(pk=check.directive_id).first()
    return row.status_bucket if row else None


@login_required
def resupervision_detail(request, pk: int):
    """One check: the item, the verdict and its evidence, the checks before and after it, the follow-up."""
    user = request.user
    check = selectors.get_resupervision_for_user(user=user, pk=pk)
    can_record = allowed(selectors.get_resupervision_for_user, user=user, pk=pk, action="record")
    superseded_by = selectors.resupervision_list(user=user).filter(supersedes=check).first()
    follow_up = None
    if check.follow_up_id:
        follow_up = (
            selectors.directive_list(user=user, include_archived=True).filter(pk=check.follow_up_id).first()
        )
    item_ref, supersedes_ref = references.resolve(
        user, [check.item, check.supersedes], [getattr(check.obstacle, "title", None), None]
    )
    follow_up_ref = references.NOTHING
    if check.follow_up_id and follow_up is None:
        follow_up_ref = references.HIDDEN
    return render(
        request,
        "followup/resupervision_detail.html",
        {
            "nav": "resupervisions",
            "check": check,
            "item": check.item,
            "item_ref": item_ref,
            "supersedes_ref": supersedes_ref,
            "follow_up_ref": follow_up_ref,
            "item_bucket": _item_bucket(user, check),
            "superseded_by": superseded_by,
            "follow_up": follow_up,
            "can_record": can_record and not check.is_recorded,
            "recheck_form": RecheckForm() if can_record and check.is_recorded and not superseded_by else None,
            "events": audit.timeline(audit.history_for(check)[:20]),
            "today": timezone.localdate(),
            **_badges(),
        },
    )


@login_required
def resupervision_record(request, pk: int):
    """Record a check's verdict, once; a recorded check is shown read-only (history is append-only)."""
    user = request.user
    check = selectors.get_resupervision_for_user(user=user, pk=pk, action="record")
    if check.is_recorded:
        if request.method == "POST":
            messages.error(
                request, _("This check already has a verdict; it cannot be changed. Schedule a new check.")
            )
            return redirect(check.get_absolute_url())
        form = None
    else:
        form = ReSupervisionRecordForm(
            request.POST or None, initial={"checked_on": timezone.localdate(), "method": CheckMethod.ON_SITE}
        )
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.resupervision_record(
                actor=user,
                check=check,
                verdict=data["verdict"],
                method=data["method"],
                checked_on=data["checked_on"],
                evidence=data["evidence"],
                place=data["place"],
                follow_up_content=data["follow_up_content"],
                follow_up_deadline=data["follow_up_deadline"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if check.follow_up_id:
                messages.success(
                    request, _("The verdict has been recorded and a follow-up directive issued.")
                )
            else:
                messages.success(request, _("The verdict has been recorded."))
            return redirect(check.get_absolute_url())
    return render(
        request,
        "followup/resupervision_record.html",
        {
            "nav": "resupervisions",
            "check": check,
            "item": check.item,
            "item_bucket": _item_bucket(user, check),
            "form": form,
            "follow_up_verdicts": [Verdict.PARTLY, Verdict.NOT_IMPLEMENTED],
            **_badges(),
        },
    )


@login_required
@require_POST
def resupervision_recheck(request, pk: int):
    """Schedule a new check that supersedes a recorded one; the first stays in the history."""
    user = request.user
    check = selectors.get_resupervision_for_user(user=user, pk=pk, action="record")
    form = RecheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(check.get_absolute_url())
    try:
        new = services.resupervision_recheck(actor=user, check=check, due_on=form.cleaned_data["due_on"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(check.get_absolute_url())
    messages.success(request, _("A new check has been scheduled."))
    return redirect(new.get_absolute_url())


@login_required
def resupervision_export(request):
    """The filtered list of checks as an Excel workbook."""
    user = request.user
    org_selectors.committee_or_404(user)
    qs = selectors.resupervision_list(user=user, filters=request.GET)
    qs = references.annotate(qs, user, "directive", "obstacle", "follow_up")
    qs, _sort = sort_queryset(request, qs, CHECK_SORTS)
    return xlsx_export(request, exports.resupervision_workbook(qs), "resupervisions")


# --- conclusion notices ---------------------------------------------------------------------------


@login_required
def notice_list(request):
    """The Standing Committee's conclusion notices, searchable, with the number of directives in each."""
    user = request.user
    org_selectors.committee_or_404(user)
    q = request.GET.get("q", "").strip()
    page = paginate(request, selectors.notice_list(user=user, q=q).order_by("-issued_on", "-id"))
    context = {"nav": "notices", "q": q, "page": page}
    return render_list(request, "followup/notice_list.html", "followup/_notice_rows.html", context)


@login_required
def notice_create(request):
    """Enter a conclusion notice (the office only)."""
    user = request.user
    committee = org_selectors.committee_or_404(user)
    if not user.is_office:
        raise Http404
    form = NoticeForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_create(actor=user, organization=committee, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(notice.get_absolute_url())
    return render(request, "followup/notice_form.html", {"nav": "notices", "form": form})


@login_required
def notice_detail(request, pk: int):
    """A notice and its directives, with their status buckets."""
    user = request.user
    notice = selectors.get_notice_for_user(user=user, pk=pk)
    directives = selectors.directive_list(user=user, filters={"notice": notice.pk})
    counts = selectors.bucket_counts(directives)
    page = paginate(request, directives.order_by("deadline", "id"))
    return render_list(
        request,
        "followup/notice_detail.html",
        "followup/_directive_rows.html",
        {
            "nav": "notices",
            "notice": notice,
            "page": page,
            "chips": _chips(counts),
            "total": sum(counts.values()),
            "can_add": services.may_issue_directives(user),
            "can_import": user.is_office,
            **_badges(),
        },
    )


@login_required
def notice_import(request, pk: int):
    """Import a notice's directives from an Excel sheet (the office): all or nothing, errors by cell."""
    user = request.user
    notice = selectors.get_notice_for_user(user=user, pk=pk, action="change")
    if request.method == "GET" and request.GET.get("template"):
        return xlsx_response(exports.directive_import_template(), "directives-template.xlsx")
    form = NoticeImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = importers.import_directives(actor=user, notice=notice, file=form.cleaned_data["file"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            errors = list(result.errors)
            if not errors:
                created = len(result.created)
                messages.success(
                    request,
                    ngettext("{count} directive imported.", "{count} directives imported.", created).format(
                        count=created
                    ),
                )
                return redirect(notice.get_absolute_url())
    return render(
        request,
        "followup/notice_import.html",
        {"nav": "notices", "notice": notice, "form": form, "errors": errors},
    )


# --- files ----------------------------------------------------------------------------------------


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
