"""Pages of public investment, built from the toolkit's generic views (core.toolkit).

Every record is reached through its gate in `investment.selectors` (404 for missing and not-yours alike);
the figures are `investment.analytics`' SQL aggregates, a fixed number of queries per page whatever the
number of projects. The charts read their data from a `json_script` element (no inline script).
"""

import datetime as dt
from collections import Counter

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.basemap import allow_basemap_get
from core.calendar import default_deadline
from core.filters import DayField
from core.forms import form_errors_text, form_version
from core.listing import SortOption
from core.scoping import hide_confidential
from core.toolkit import (
    FilteredMixin,
    ObjectActionView,
    ObjectDetailView,
    ObjectExportView,
    ObjectFormView,
    ObjectImportView,
    ObjectListView,
    ScopedView,
    can_write,
)
from core.web import posted_version, xlsx_export
from followup import selectors as followup_selectors
from followup.choices import ObstacleStatus
from followup.models import Obstacle
from investment import analytics, exports, selectors, services
from investment.choices import PROJECT_TRANSITIONS, GroupRole, ProjectStatus, Rag, ScopeVia
from investment.filters import GroupFilterSet, ProjectFilterSet, SessionFilterSet, figures_date
from investment.forms import (
    DisbursementForm,
    GroupForm,
    InvestmentAdjustmentForm,
    MemberEndForm,
    MemberForm,
    PlanAdjustmentForm,
    PlanForm,
    ProgressForm,
    ProjectForm,
    SessionDirectiveForm,
    SessionForm,
    SessionObstacleForm,
    TargetCurveForm,
    project_initial,
)
from investment.models import Project, SupervisionSession, TargetPoint, WorkingGroup
from investment.permissions import can_manage, can_record_session
from org import selectors as org_selectors
from org.forms import BootstrapMixin
from org.models import Agency

PROJECT_SORTS = [
    SortOption("code", gettext_lazy("Code"), ("code", "id")),
    SortOption("name", gettext_lazy("Name"), ("sort_key", "id")),
    SortOption("progress", gettext_lazy("Progress"), ("-progress_percent", "id")),
]
GROUP_SORTS = [SortOption("number", gettext_lazy("Number"), ("number", "id"))]
SESSION_SORTS = [
    SortOption("held", gettext_lazy("Held on"), ("-held_on", "-id")),
    SortOption("group", gettext_lazy("Working group"), ("group__number", "-held_on", "-id")),
    SortOption("title", gettext_lazy("Title"), ("search_text", "id")),
]
# Badge colours (Tabler's names), the same on every page and in the chart.
RAG_COLOURS = {Rag.GREEN: "green", Rag.AMBER: "yellow", Rag.RED: "red", Rag.NONE: "secondary"}
OPEN_OBSTACLES = (
    ObstacleStatus.NEW,
    ObstacleStatus.ESCALATED,
    ObstacleStatus.ASSIGNED,
    ObstacleStatus.RESOLVING,
)
MAP_POINT_LIMIT = 2000
# How many of its projects a group's page lists: those furthest behind the floor.
GROUP_PROJECTS_SHOWN = 20
DIRECTIVE_DAYS = 30


# --- helpers ------------------------------------------------------------------------------------------


def _at(request) -> tuple[dt.date, int]:
    """The day the page reads the figures at (`?at=`, today by default) and the plan year (`?year=`)."""
    field = DayField(required=False)
    try:
        at = field.clean(request.GET.get("at", "")) or timezone.localdate()
    except Exception:  # a mistyped date shows today's figures, as a list drops a bad filter
        at = timezone.localdate()
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else at.year
    return at, year


def _badges() -> dict:
    return {"rag_colours": RAG_COLOURS, "rag_labels": dict(Rag.choices)}


def _chart(curve: dict) -> dict:
    """The chart's data: per month, the cumulative rate against the plan and the target floor."""
    denominator = curve["assigned"] or curve["allocated"]
    rates = [
        float(analytics.percent(value, denominator)) if denominator and value is not None else None
        for value in curve["cumulative"]
    ]
    return {
        "months": [m.strftime("%m/%Y") for m in curve["months"]],
        "rate": rates,
        "target": [float(t) if t is not None else None for t in curve["target"]],
        "labels": {"rate": _("Cumulative disbursement (%)"), "target": _("Target floor (%)")},
    }


def _curve_rows(curve: dict) -> list[dict]:
    denominator = curve["assigned"] or curve["allocated"]
    return [
        {
            "month": month,
            "amount": amount,
            "cumulative": cumulative,
            "rate": analytics.percent(cumulative, denominator) if cumulative is not None else None,
            "target": target,
        }
        for month, amount, cumulative, target in zip(
            curve["months"], curve["monthly"], curve["cumulative"], curve["target"], strict=True
        )
    ]


def _open_obstacles(user, project_ids) -> list:
    return followup_selectors.open_obstacles_about(
        user=user, model=Project, ids=project_ids, statuses=OPEN_OBSTACLES
    )


def _directives_of(user, *, sessions=(), obstacles=()) -> list:
    """The directives whose source is one of `sessions` or one of `obstacles`, with their status bucket."""
    session_type = ContentType.objects.get_for_model(SupervisionSession)
    obstacle_type = ContentType.objects.get_for_model(Obstacle)
    where = Q(source_type=session_type, source_id__in=[s.pk for s in sessions]) | Q(
        source_type=obstacle_type, source_id__in=[o.pk for o in obstacles]
    )
    rows = followup_selectors.directive_rows(user=user).filter(where).order_by("deadline", "id")[:50]
    return followup_selectors.with_status_buckets(rows)


def _bucket_labels() -> dict:
    from followup.choices import StatusBucket

    return dict(StatusBucket.choices)


class Organisation:
    """Pages of the organisation's investment: someone without an organisation reaches nothing."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.committee = org_selectors.committee_or_404(request.user)
        return super().dispatch(request, *args, **kwargs)


# --- the dashboard ------------------------------------------------------------------------------------


class Dashboard(Organisation, ScopedView):
    """The city's disbursement at a date: both plans, the month, the cumulative, both rates, the floor, the
    gap, the status, the projection, idle months; by source; groups and investors ranked; lagging key
    projects; the cumulative curve against the floor; the status rule in words."""

    nav = "investment_dashboard"

    def get(self, request):
        user, org_id = request.user, self.committee.pk
        at, year = _at(request)
        overview = selectors.disbursement_overview(user=user, organization_id=org_id, at=at, year=year)
        context = {
            **self.base_context(),
            **_badges(),
            "at": at,
            "year": year,
            "city": overview.city,
            "sources": overview.sources,
            "group_ranking": overview.group_ranking,
            "investor_ranking": overview.investor_ranking,
            "lagging": overview.lagging,
            "chart": _chart(overview.curve),
            "rag_rule": analytics.rag_rule(),
            "years": range(at.year - 2, at.year + 2),
        }
        return render(request, "investment/dashboard.html", context)


# --- projects -----------------------------------------------------------------------------------------


@allow_basemap_get
class ProjectList(Organisation, ObjectListView):
    """Projects with the shared filter, each with its status and rates for the plan year, and a map."""

    selector = selectors.project_list
    filterset = ProjectFilterSet
    sorts = PROJECT_SORTS
    primary_filters = ("q", "group", "investor", "rag")
    template_name, partial_name, nav = (
        "investment/project_list.html",
        "investment/_project_rows.html",
        "investment_projects",
    )

    def get_extra_context(self, request, page, filterset):
        user = request.user
        at, year = figures_date(filterset)
        rows = list(page)
        by_project = analytics.figures_by(
            Project.objects.filter(pk__in=[p.pk for p in rows]),
            "pk",
            organization_id=self.committee.pk,
            at=at,
            year=year,
        )
        for project in rows:
            project.figures = by_project.get(project.pk) or analytics.Figures(year=year, at=at)
        context = {
            **_badges(),
            "rows": rows,
            "at": at,
            "year": year,
            "groups": selectors.group_list(user=user).order_by("number"),
            "investors": org_selectors.agency_list(user=user)
            .filter(kind="investor")
            .order_by("sort_key", "id"),
            "rag_choices": Rag.choices,
        }
        return context


class ProjectMapData(Organisation, FilteredMixin, ScopedView):
    """The map's points, asked by the projects page once it has loaded: the sites with coordinates of the
    projects the list shows (same scope and filters), capped at MAP_POINT_LIMIT."""

    selector = selectors.project_list
    filterset = ProjectFilterSet

    def get(self, request):
        _filterset, projects = self.filtered(request)
        points, capped = selectors.map_points(projects, limit=MAP_POINT_LIMIT)
        detail = reverse("investment:project_detail", args=[0])[: -len("0/")]
        for point in points:
            point["url"] = f"{detail}{point['id']}/"
        return JsonResponse({"points": points, "capped": capped})


class ProjectDetail(Organisation, ObjectDetailView):
    """One project: plans by year and source with both denominators and adjustments, the 13 months of the
    plan year, the cumulative curve against the floor, progress, groups, sessions, obstacles and directives,
    and the timeline."""

    gate = selectors.get_project_for_user
    template_name, context_object_name, nav = (
        "investment/project_detail.html",
        "project",
        "investment_projects",
    )
    actions = {"manage": lambda user, project: can_manage(user)}
    forms: dict = {}

    def get_extra_context(self, request, project):
        user, org_id = request.user, self.committee.pk
        at, year = _at(request)
        one = Project.objects.filter(pk=project.pk)
        plans = list(selectors.project_plans(project))
        curve = analytics.monthly_curve(one, organization_id=org_id, year=year, at=at)
        sessions = list(
            selectors.session_list(user=user).filter(projects=project).order_by("-held_on", "-id")[:30]
        )
        obstacles = list(
            followup_selectors.obstacle_list(user=user)
            .filter(subject_type=ContentType.objects.get_for_model(Project), subject_id=project.pk)
            .order_by("-raised_on", "-id")[:50]
        )
        directives = _directives_of(user, sessions=sessions, obstacles=obstacles)
        events = audit.history_for(project, *plans)
        return {
            **_badges(),
            "at": at,
            "year": year,
            "figures": analytics.figures(one, organization_id=org_id, at=at, year=year),
            "sources": selectors.figures_by_source(one, organization_id=org_id, at=at, year=year),
            "plans": plans,
            "months": _curve_rows(curve),
            "chart": _chart(curve),
            "progress": list(project.progress.order_by("-observed_on", "-id")[:20]),
            "investment_adjustments": list(
                project.investment_adjustments.order_by("-effective_on", "-id")[:20]
            ),
            "groups": list(selectors.project_groups(project)),
            "sessions": sessions,
            "obstacles": obstacles,
            "directives": directives,
            "bucket_labels": _bucket_labels(),
            "events": audit.timeline(events[:15], known=[project, *plans]),
            "rag_rule": analytics.rag_rule(),
            **project_forms(request, project, self.forms),
        }


# --- working groups -----------------------------------------------------------------------------------


class GroupList(Organisation, ObjectListView):
    """The working groups with their leader, the number of projects, and their figures and rank."""

    selector = selectors.group_list
    filterset = GroupFilterSet
    sorts = GROUP_SORTS
    template_name, partial_name, nav = (
        "investment/group_list.html",
        "investment/_group_rows.html",
        "investment_groups",
    )

    def get_extra_context(self, request, page, filterset):
        at, year = _at(request)
        user, org_id = request.user, self.committee.pk
        all_groups = list(selectors.group_list(user=user))
        by_group = analytics.figures_by_group(
            hide_confidential(Project.objects.active().filter(organization_id=org_id), user),
            all_groups,
            organization_id=org_id,
            at=at,
            year=year,
        )
        ranks = {
            g.pk: n
            for n, (_f, g) in enumerate(selectors.ranked(by_group, {g.pk: g for g in all_groups}), start=1)
        }
        rows = list(page)
        for group in rows:
            group.leader = selectors.leader_of(group)
            group.figures = by_group.get(group.pk)
            group.rank = ranks.get(group.pk)
        return {**_badges(), "rows": rows, "at": at, "year": year, "group_count": len(all_groups)}


class GroupDetail(Organisation, ObjectDetailView):
    """A working group: members (with history), projects with rates and status, its place in the ranking,
    sessions, open obstacles about its projects, and its curve against the floor."""

    gate = selectors.get_group_for_user
    template_name, context_object_name, nav = "investment/group_detail.html", "group", "investment_groups"
    actions = {"record_session": can_record_session, "manage": lambda user, group: can_manage(user)}
    forms: dict = {}

    def get_extra_context(self, request, group):
        user, org_id = request.user, self.committee.pk
        at, year = _at(request)
        kwargs = {"organization_id": org_id, "at": at, "year": year}
        # A confidential project counts only for those who may see it (docs/confidential.md).
        in_org = hide_confidential(Project.objects.active().filter(organization_id=org_id), user)
        group_projects = in_org.filter(group_links__group=group)
        # The group's figures are those of all its projects; the rows, those the reader may open.
        of_group = analytics.project_figures(group_projects, **kwargs)
        projects = selectors.project_list(user=user).filter(group_links__group=group)
        shown_pks = set(projects.values_list("pk", flat=True))
        by_project = {pk: f for pk, f in of_group.items() if pk in shown_pks}
        project_count = len(shown_pks)
        # The projects that lag the floor most; the whole list is the projects list, filtered by the group.
        worst = sorted(
            (pk for pk, f in by_project.items() if f.gap is not None),
            key=lambda pk: (by_project[pk].gap, pk),
        )[:GROUP_PROJECTS_SHOWN]
        shown = {p.pk: p for p in projects.filter(pk__in=worst)}
        project_rows = [shown[pk] for pk in worst if pk in shown]
        for project in project_rows:
            project.figures = by_project[project.pk]
        rag_counts = Counter(f.rag for f in by_project.values())
        rag_counts[Rag.NONE] += project_count - len(by_project)
        # Every group's rate, for this one's place in the ranking (the rates only).
        all_groups = list(selectors.group_list(user=user))
        by_group = analytics.figures_by_group(in_org, all_groups, rates_only=True, **kwargs)
        ranking = selectors.ranked(by_group, {g.pk: g for g in all_groups})
        rank = next((n for n, (_f, g) in enumerate(ranking, start=1) if g.pk == group.pk), None)
        curve = analytics.monthly_curve(group_projects, organization_id=org_id, year=year, at=at)
        members = sorted(
            group.current_members, key=lambda m: (list(GroupRole.values).index(m.role), m.person.full_name)
        )
        return {
            **_badges(),
            "at": at,
            "year": year,
            "figures": analytics.figures(group_projects, by_project=of_group, **kwargs),
            "members": members,
            "history": list(selectors.group_members_history(group)[:100]),
            "projects": project_rows,
            "project_count": project_count,
            "rag_counts": [(rag, label, rag_counts[rag]) for rag, label in Rag.choices if rag_counts[rag]],
            "rank": rank,
            "group_count": len(ranking),
            "sessions": list(
                selectors.session_list(user=user).filter(group=group).order_by("-held_on", "-id")[:30]
            ),
            "obstacles": _open_obstacles(user, projects.values("pk")),
            "chart": _chart(curve),
            "events": audit.timeline(audit.history_for(group)[:40], known=[group]),
            **self.member_forms(request, group),
        }

    def member_forms(self, request, group) -> dict:
        if not can_manage(request.user):
            return {}
        form = self.forms.get("member_form") or MemberForm(
            people=org_selectors.person_list(user=request.user), initial={"valid_from": timezone.localdate()}
        )
        return {"member_form": form, "end_form": MemberEndForm(initial={"valid_to": timezone.localdate()})}


# --- supervision sessions -----------------------------------------------------------------------------


class SessionList(Organisation, ObjectListView):
    """The supervision sessions the user may see (their groups', or all for whoever sees everything), by
    group, project, period and words, newest first."""

    selector = selectors.session_list
    filterset = SessionFilterSet
    sorts = SESSION_SORTS
    primary_filters = ("q", "group", "project", "held_from", "held_to")
    template_name, partial_name, nav = (
        "investment/session_list.html",
        "investment/_session_rows.html",
        "investment_sessions",
    )

    def get_extra_context(self, request, page, filterset):
        data = filterset.form.cleaned_data if filterset.is_valid() else {}
        chosen = data.get("project")
        project = (
            selectors.project_list(user=request.user, include_archived=True).filter(pk=chosen).first()
            if chosen
            else None
        )
        return {
            "rows": list(page),
            "groups": selectors.group_list(user=request.user).order_by("number"),
            "chosen_project": project,
        }


class SessionExport(Organisation, ObjectExportView):
    """The session list under its filters and sort, as an Excel workbook (audited)."""

    selector = selectors.session_list
    filterset = SessionFilterSet
    sorts = SESSION_SORTS
    workbook = exports.session_workbook
    filename = "supervision-sessions"


SessionList.export_url = "investment:session_export"


class SessionCreate(Organisation, ObjectFormView):
    """Record a supervision session of a group: by its members and the office."""

    permission = can_write
    form_class = SessionForm
    template_name, nav = "investment/session_form.html", "investment_groups"
    success_message = gettext_lazy("The supervision session has been recorded.")

    def get_object(self, request, pk):
        return selectors.get_group_for_user(user=request.user, pk=pk, action="session")

    def get_form_kwargs(self, request, group):
        people = org_selectors.person_list(user=request.user).filter(
            pk__in=[m.person_id for m in group.current_members]
        )
        return {
            "projects": Project.objects.active().filter(group_links__group=group).order_by("code", "id"),
            "participants": people.order_by("sort_key", "id"),
        }

    def get_initial(self, request, group):
        return {"held_on": timezone.localdate()}

    def save(self, request, group, form):
        return services.session_create(actor=request.user, group=group, **self.form_data(form))

    def get_extra_context(self, request, group):
        return {"group": group}


class SessionDetail(Organisation, ObjectDetailView):
    """A session: its projects, participants, findings, and the obstacles and directives raised there, with
    the forms to raise one more of each."""

    gate = selectors.get_session_for_user
    template_name, context_object_name, nav = "investment/session_detail.html", "session", "investment_groups"
    forms: dict = {}

    def get_extra_context(self, request, session):
        user = request.user
        group = selectors.get_group_for_user(user=user, pk=session.group_id)
        may_raise = can_record_session(user, group)
        projects = list(session.projects.order_by("code", "id"))
        obstacle_type = ContentType.objects.get_for_model(SupervisionSession)
        obstacles = list(
            followup_selectors.obstacle_list(user=user)
            .filter(origin_type=obstacle_type, origin_id=session.pk)
            .order_by("-id")
        )
        forms = {}
        if may_raise:
            choices = session.projects.order_by("code", "id")
            forms["obstacle_form"] = self.forms.get("obstacle_form") or SessionObstacleForm(projects=choices)
            forms["directive_form"] = self.forms.get("directive_form") or SessionDirectiveForm(
                projects=choices,
                agencies=org_selectors.agency_list(user=user).order_by("sort_key", "id"),
                initial={"deadline": default_deadline(session.group.organization_id, DIRECTIVE_DAYS)},
            )
        return {
            **_badges(),
            "group": group,
            "may_raise": may_raise,
            "projects": projects,
            "participants": list(session.participants.order_by("sort_key", "id")),
            "obstacles": obstacles,
            "directives": _directives_of(user, sessions=[session], obstacles=obstacles),
            "bucket_labels": _bucket_labels(),
            "events": audit.timeline(audit.history_for(session)[:40], known=[session]),
            **forms,
        }


class SessionRaise(Organisation, ObjectFormView):
    """A form posted from the session's page (an obstacle, a directive): the page again with the form and
    its errors (400) when refused, else back to the session."""

    http_method_names = ["post"]
    permission = can_write
    form_name = ""

    def get_object(self, request, pk):
        session = selectors.get_session_for_user(user=request.user, pk=pk)
        group = selectors.get_group_for_user(user=request.user, pk=session.group_id)
        if not can_record_session(request.user, group):
            raise Http404
        return session

    def get_success_url(self, session):
        return session.get_absolute_url()

    def render_form(self, request, session, form):
        page = SessionDetail(forms={self.form_name: form})
        page.setup(request, pk=session.pk)
        page.committee = self.committee
        return page.render_detail(request, session, status=400)


class SessionObstacle(SessionRaise):
    form_class, form_name = SessionObstacleForm, "obstacle_form"
    success_message = gettext_lazy("The obstacle has been raised; it is followed in the obstacles list.")

    def get_form_kwargs(self, request, session):
        return {"projects": session.projects.order_by("code", "id")}

    def save(self, request, session, form):
        services.session_raise_obstacle(actor=request.user, session=session, **self.form_data(form))
        return session


class SessionDirective(SessionRaise):
    form_class, form_name = SessionDirectiveForm, "directive_form"
    success_message = gettext_lazy("The directive has been issued.")

    def get_form_kwargs(self, request, session):
        return {
            "projects": session.projects.order_by("code", "id"),
            "agencies": org_selectors.agency_list(user=request.user),
        }

    def save(self, request, session, form):
        services.session_issue_directive(actor=request.user, session=session, **self.form_data(form))
        return session


# --- what the office keeps: projects, their figures, the target curve, working groups --------------------


def _agencies(user):
    return org_selectors.agency_list(user=user)


def _localities(user):
    return org_selectors.unit_list(user=user)


class ProjectEdit(Organisation, ObjectFormView):
    """Register a project (no pk) or correct one (the office): its investor and sites are remote selects."""

    permission = can_manage
    gate = selectors.get_project_for_user
    form_class = ProjectForm
    template_name, context_object_name, nav = "investment/project_form.html", "project", "investment_projects"

    def get_initial(self, request, project):
        return project_initial(project) if project is not None else {}

    def get_form_kwargs(self, request, project):
        return {
            "agencies": _agencies(request.user),
            "localities": _localities(request.user),
            "editing": project is not None,
        }

    def get_success_message(self, project):
        return _("Project {code} has been saved.").format(code=project.code)

    def save(self, request, project, form):
        data = form.service_data()
        if project is None:
            return services.project_create(actor=request.user, organization=self.committee, **data)
        return services.project_update(
            actor=request.user, project=project, version=form_version(form), **data
        )


class ProjectMove(Organisation, ObjectActionView):
    """Move a project along its workflow (PROJECT_TRANSITIONS): one button per allowed move."""

    permission = can_manage
    gate = selectors.get_project_for_user

    def perform(self, request, project):
        return services.project_set_status(
            actor=request.user,
            project=project,
            version=posted_version(request),
            status=request.POST.get("status", ""),
        )

    def get_success_message(self, project):
        return _("The project is now “{status}”.").format(status=project.get_status_display())


class ProjectArchive(Organisation, ObjectActionView):
    permission = can_manage
    gate, service, object_argument = selectors.get_project_for_user, services.project_archive, "project"
    success_message = gettext_lazy("The project has been archived.")


class ProjectRestore(Organisation, ObjectActionView):
    permission = can_manage
    gate, service, object_argument = selectors.get_project_for_user, services.project_restore, "project"
    success_message = gettext_lazy("The project has been restored.")


class ProjectRecord(Organisation, ObjectFormView):
    """A form posted from the project's page (progress, total investment, a plan, an adjustment, a month's
    disbursement): back to the page when saved, else the page again with the form and its errors (400)."""

    http_method_names = ["post"]
    permission = can_write
    form_name = ""

    def may(self, user, project) -> bool:
        return can_manage(user)

    def get_object(self, request, pk):
        project = selectors.get_project_for_user(user=request.user, pk=pk)
        if not self.may(request.user, project):
            raise Http404
        return project

    def get_success_url(self, project):
        return project.get_absolute_url()

    def render_form(self, request, project, form):
        page = ProjectDetail(forms={self.form_name: form})
        page.setup(request, pk=project.pk)
        page.committee = self.committee
        return page.render_detail(request, project, status=400)


class ProjectProgress(ProjectRecord):
    form_class, form_name = ProgressForm, "progress_form"
    success_message = gettext_lazy("The physical progress has been recorded.")

    def may(self, user, project):
        return selectors.may_record_progress(user, project)

    def save(self, request, project, form):
        services.progress_record(actor=request.user, project=project, **self.form_data(form))
        return project


class ProjectInvestment(ProjectRecord):
    form_class, form_name = InvestmentAdjustmentForm, "investment_form"
    success_message = gettext_lazy("The total investment has been adjusted.")

    def save(self, request, project, form):
        services.total_investment_adjust(actor=request.user, project=project, **self.form_data(form))
        return project


class ProjectPlan(ProjectRecord):
    form_class, form_name = PlanForm, "plan_form"
    success_message = gettext_lazy("The capital plan has been entered.")

    def save(self, request, project, form):
        services.plan_set(actor=request.user, project=project, **self.form_data(form))
        return project


class ProjectPlanAdjust(ProjectRecord):
    form_class, form_name = PlanAdjustmentForm, "adjust_form"
    success_message = gettext_lazy("The plan has been adjusted.")

    def get_form_kwargs(self, request, project):
        return {"plans": selectors.project_plans(project)}

    def save(self, request, project, form):
        services.plan_adjust(actor=request.user, **self.form_data(form))
        return project


class ProjectDisbursement(ProjectRecord):
    form_class, form_name = DisbursementForm, "disbursement_form"
    success_message = gettext_lazy("The month's disbursement has been recorded.")

    def save(self, request, project, form):
        services.disbursement_record(actor=request.user, project=project, **self.form_data(form))
        return project


def project_forms(request, project, posted: dict) -> dict:
    """The forms of the project's page the user may post: the office's all, a group leader's progress."""
    user, today = request.user, timezone.localdate()
    forms_ = {}
    if selectors.may_record_progress(user, project):
        forms_["progress_form"] = posted.get("progress_form") or ProgressForm(initial={"observed_on": today})
    if can_manage(user):
        month = today.replace(day=1)
        forms_["investment_form"] = posted.get("investment_form") or InvestmentAdjustmentForm(
            initial={"effective_on": today}
        )
        forms_["plan_form"] = posted.get("plan_form") or PlanForm(initial={"year": today.year})
        forms_["adjust_form"] = posted.get("adjust_form") or PlanAdjustmentForm(
            plans=selectors.project_plans(project), initial={"effective_on": today}
        )
        forms_["disbursement_form"] = posted.get("disbursement_form") or DisbursementForm(
            initial={"plan_year": month.year, "month": month}
        )
        forms_["moves"] = [
            (status, ProjectStatus(status).label) for status in PROJECT_TRANSITIONS.get(project.status, ())
        ]
    forms_["open_form"] = next(iter(posted), "")
    return forms_


class TargetCurve(Organisation, ObjectFormView):
    """A year's target curve (the office): the cumulative floor at the end of each month, January of the
    next year included; the dashboard and every rate compare against it."""

    permission = can_manage
    template_name, nav = "investment/target_curve.html", "investment_dashboard"

    def dispatch(self, request, *args, year=None, **kwargs):
        self.year = year or timezone.localdate().year
        if not 2000 <= self.year <= 2100:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, request, obj):
        initial = {
            f"m{p.month}": p.percent
            for p in TargetPoint.objects.filter(organization=self.committee, year=self.year)
        }
        data = request.POST if request.method == "POST" else None
        return TargetCurveForm(data, initial=initial, year=self.year)

    def save(self, request, obj, form):
        services.target_curve_set(
            actor=request.user, organization=self.committee, year=self.year, points=form.points()
        )
        return self.year

    def get_success_message(self, year):
        return _("The target curve of {year} has been saved.").format(year=year)

    def get_success_url(self, year):
        return reverse("investment:target_curve", args=[year])

    def get_extra_context(self, request, obj):
        return {"year": self.year, "years": range(self.year - 2, self.year + 3)}


class GroupEdit(Organisation, ObjectFormView):
    """Set up a working group (no pk) or correct one (the office): name, term, note and its scope (named
    projects, investors, localities), each a remote select."""

    permission = can_manage
    gate = selectors.get_group_for_user
    form_class = GroupForm
    template_name, context_object_name, nav = "investment/group_form.html", "group", "investment_groups"

    def get_initial(self, request, group):
        if group is None:
            return {"term_start": timezone.localdate()}
        return {
            "name": group.name,
            "term_start": group.term_start,
            "term_end": group.term_end,
            "note": group.note,
            "version": group.version,
            "projects": [
                link.project_id for link in group.project_links.filter(via=ScopeVia.PROJECT).order_by("id")
            ],
            "investors": list(group.investors.values_list("pk", flat=True)),
            "localities": list(group.scope_localities.values_list("pk", flat=True)),
        }

    def get_form_kwargs(self, request, group):
        return {
            "projects": selectors.project_list(user=request.user),
            "agencies": _agencies(request.user),
            "localities": _localities(request.user),
            "editing": group is not None,
        }

    def get_success_message(self, group):
        return _("The working group “{name}” has been saved.").format(name=group.name)

    def save(self, request, group, form):
        data = self.form_data(form)
        if group is None:
            return services.group_create(actor=request.user, organization=self.committee, **data)
        return services.group_update(actor=request.user, group=group, version=form_version(form), **data)


class GroupMemberAdd(Organisation, ObjectFormView):
    """Seat a person on the group (the office), posted from the group's page."""

    http_method_names = ["post"]
    permission = can_manage
    form_class = MemberForm
    success_message = gettext_lazy("The member has been added.")

    def get_object(self, request, pk):
        return selectors.get_group_for_user(user=request.user, pk=pk, action="change")

    def get_form_kwargs(self, request, group):
        return {"people": org_selectors.person_list(user=request.user)}

    def save(self, request, group, form):
        services.group_member_add(actor=request.user, group=group, **self.form_data(form))
        return group

    def render_form(self, request, group, form):
        page = GroupDetail(forms={"member_form": form})
        page.setup(request, pk=group.pk)
        page.committee = self.committee
        return page.render_detail(request, group, status=400)


class GroupMemberEnd(Organisation, ObjectActionView):
    """End a person's seat on a group on a day (the office); the seat stays in the history."""

    permission = can_manage
    gate = selectors.get_member_for_user
    success_message = gettext_lazy("The membership has been ended.")

    def perform(self, request, member):
        form = MemberEndForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form_errors_text(form))
        return services.group_member_end(actor=request.user, member=member, **form.cleaned_data)

    def get_success_url(self, member):
        return member.group.get_absolute_url()


# --- the home panel -----------------------------------------------------------------------------------


def my_groups(user) -> list[WorkingGroup]:
    """The working groups the user sits on today, with their figures."""
    person = getattr(user, "person", None)
    if person is None:
        return []
    return [
        g
        for g in selectors.group_list(user=user).order_by("number")
        if any(m.person_id == person.pk for m in g.current_members)
    ]


def home_panel_context(request) -> dict:
    user = request.user
    groups = my_groups(user)
    at = timezone.localdate()
    if not groups:
        return {"investment_groups": []}
    # Only the projects of these groups: the figures of the organisation's other projects would be read for
    # nothing (a thirteenth of them for a group at city scale).
    in_groups = hide_confidential(
        Project.objects.active().filter(organization_id=user.organization_id, group_links__group__in=groups),
        user,
    )
    by_group = analytics.figures_by_group(
        in_groups,
        groups,
        organization_id=user.organization_id,
        at=at,
    )
    for group in groups:
        group.figures = by_group.get(group.pk)
    return {"investment_groups": groups, **_badges()}


def sits_on_a_group(user) -> bool:
    from investment.reach import current_groups_of

    person = getattr(user, "person", None)
    return person is not None and bool(current_groups_of(person))


# --- Excel in and out


class DisbursementImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(gettext_lazy("Upload an Excel workbook (.xlsx)."))
        return upload


class DisbursementImport(Organisation, ObjectImportView):
    """Import the month's disbursement figures from an Excel sheet (the office of the organisation), as a
    background task with a progress page: all or nothing, every error by row and column; a figure already
    recorded is corrected, the same sheet imported twice changes nothing."""

    permission = can_manage
    form_class = DisbursementImportForm
    import_kind = "disbursements"
    template_workbook = exports.disbursement_import_template
    template_filename = "disbursement-template.xlsx"
    template_name, nav = "core/import.html", "investment_dashboard"

    def get_extra_context(self, request, obj):
        return {
            "title": _("Import disbursement figures"),
            "pretitle": _("Public investment"),
            "intro": _(
                "Upload an Excel sheet of monthly disbursement figures: one figure a row (project code, "
                "capital source, plan year, month, amount in đồng), or one project a row with the month "
                "columns T1 to T12 and T1 of the next year. A figure already recorded is replaced by the "
                "sheet's. If any row has an error, nothing is imported: correct the sheet and upload it "
                "again."
            ),
            "template_url": reverse("investment:disbursement_import") + "?template=1",
            "cancel_url": reverse("investment:dashboard"),
        }


class ProjectExport(Organisation, ObjectExportView):
    """The project list under its filters and sort, as an Excel workbook, with an audit event saying who
    took what."""

    selector = selectors.project_list
    filterset = ProjectFilterSet
    sorts = PROJECT_SORTS
    workbook = exports.project_workbook
    filename = "projects"


ProjectList.export_url = "investment:project_export"


class AnalyticsExport(Organisation, ScopedView):
    """The disbursement figures at a date (`at`, `year`): the city, each source, the ranking of the working
    groups and of the investors, each project; over the projects the user may see."""

    def get(self, request, *args, **kwargs):
        committee = self.committee
        at, year = _at(request)
        projects = selectors.project_list(user=request.user).order_by()
        groups = list(WorkingGroup.objects.filter(organization=committee).order_by("number"))
        investors = dict(
            Agency.objects.filter(pk__in=projects.values("investor_id")).values_list("pk", "name")
        )
        tables = exports.analytics_tables(
            projects, organization=committee, groups=groups, investors=investors, at=at, year=year
        )
        return xlsx_export(request, exports.analytics_workbook(tables), "disbursement")
