"""Writes of the investment app: every one atomic, validated and audited.

Projects and their sites, total investment and progress; capital plans and their adjustments; monthly
disbursements; the target curve; working groups, their members and scope; supervision sessions and the
obstacles and directives they raise (through followup's services, with the session as the source).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, bulk
from core.models import AuditAction
from core.services import archive_record, create_record, restore_record, update_record
from core.text import nfc
from core.validators import LONG_TEXT, SUMMARY_TEXT, check_lengths, check_not_future
from followup import services as followup_services
from followup.choices import RaisedIn, SourceKind
from investment.choices import PROJECT_TRANSITIONS, Denominator, ProjectStatus, ScopeVia
from investment.models import (
    MAX_AMOUNT,
    MONTH_FIELDS,
    CapitalPlan,
    Disbursement,
    DisbursementYear,
    GroupMember,
    GroupProject,
    InvestmentAdjustment,
    PlanAdjustment,
    ProgressObservation,
    Project,
    ProjectLocality,
    SupervisionSession,
    TargetPoint,
    WorkingGroup,
)
from investment.periods import disbursement_year_bounds, month_start, plan_months


def _same_organization(organization, **records) -> None:
    errors = {}
    for name, record in records.items():
        if record is None:
            continue
        found = getattr(record, "organization_id", organization.pk)
        if found != organization.pk:
            errors[name] = _("This record belongs to another organisation.")
    if errors:
        raise ValidationError(errors)


def _check_amount(**amounts) -> None:
    errors = {}
    for name, value in amounts.items():
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            errors[name] = _("An amount is a whole number of đồng.")
        elif value < 0:
            errors[name] = _("An amount cannot be negative.")
        elif value > MAX_AMOUNT:
            errors[name] = _("This amount is too large to be real.")
    if errors:
        raise ValidationError(errors)


# --- projects ---------------------------------------------------------------------------------------


def _set_sites(project: Project, sites) -> None:
    """Replace a project's sites with `sites`: (locality, latitude, longitude) triples."""
    seen = set()
    rows = []
    for locality, latitude, longitude in sites:
        if locality.pk in seen:
            continue
        seen.add(locality.pk)
        row = ProjectLocality(project=project, locality=locality, latitude=latitude, longitude=longitude)
        row.full_clean(exclude=["project"])
        rows.append(row)
    ProjectLocality.objects.filter(project=project).delete()
    ProjectLocality.objects.bulk_create(rows)


@transaction.atomic
def project_create(
    *,
    actor,
    organization,
    code: str,
    name: str,
    group: str,
    investor,
    sector: str = "other",
    is_key: bool = False,
    description: str = "",
    total_investment: int = 0,
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
    sites=(),
) -> Project:
    """Register a project; it enters the scope of the groups that follow its investor or its localities."""
    _check_amount(total_investment=total_investment)
    check_lengths(description=(description, LONG_TEXT))
    _same_organization(organization, investor=investor)
    _check_schedule(planned_start, planned_end, "planned_end")
    code = nfc(code).strip().upper()
    if Project.objects.filter(organization=organization, code=code).exists():
        raise ValidationError({"code": _("Another project already has this code.")})
    project = Project(
        organization=organization,
        code=code,
        name=nfc(name).strip(),
        group=group,
        investor=investor,
        sector=sector,
        is_key=is_key,
        description=nfc(description),
        total_investment=total_investment,
        planned_start=planned_start,
        planned_end=planned_end,
    )
    create_record(actor=actor, instance=project, kind="project.registered")
    _set_sites(project, sites)
    refresh_project_groups(project)
    return project


def _check_schedule(start, end, field: str) -> None:
    if start and end and end < start:
        raise ValidationError({field: _("The end cannot come before the start.")})


EDITABLE_PROJECT_FIELDS = {
    "name",
    "group",
    "is_key",
    "sector",
    "description",
    "investor",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
}


@transaction.atomic
def project_update(*, actor, project: Project, version: int, sites=None, **data) -> Project:
    """Correct a project's description (not its status, total investment or progress, which are dated)."""
    unknown = set(data) - EDITABLE_PROJECT_FIELDS
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    if "description" in data:
        check_lengths(description=(data["description"], LONG_TEXT))
        data["description"] = nfc(data["description"])
    if "name" in data:
        data["name"] = nfc(data["name"]).strip()
    _same_organization(project.organization, investor=data.get("investor"))
    _check_schedule(
        data.get("planned_start", project.planned_start),
        data.get("planned_end", project.planned_end),
        "planned_end",
    )
    _check_schedule(
        data.get("actual_start", project.actual_start),
        data.get("actual_end", project.actual_end),
        "actual_end",
    )
    investor_changed = "investor" in data and data["investor"].pk != project.investor_id
    project = update_record(actor=actor, instance=project, data=data, version=version)
    if sites is not None:
        before = sorted(ProjectLocality.objects.filter(project=project).values_list("locality_id", flat=True))
        _set_sites(project, sites)
        after = sorted(ProjectLocality.objects.filter(project=project).values_list("locality_id", flat=True))
        if before != after:
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=project,
                changes={"localities": [before, after]},
                kind="project.sites",
            )
            investor_changed = True
    if investor_changed:
        refresh_project_groups(project)
    return project


@transaction.atomic
def project_set_status(
    *, actor, project: Project, version: int, status: str, on: dt.date | None = None
) -> Project:
    """Move a project along its workflow; starting stamps the actual start, completing the actual end."""
    if status not in PROJECT_TRANSITIONS.get(project.status, ()):
        raise ValidationError(
            {
                "status": _("A project cannot go from “{old}” to “{new}”.").format(
                    old=ProjectStatus(project.status).label,
                    new=ProjectStatus(status).label if status in ProjectStatus.values else status,
                )
            }
        )
    on = on or timezone.localdate()
    check_not_future(on=on)
    data = {"status": status}
    if status == ProjectStatus.IMPLEMENTATION and project.actual_start is None:
        data["actual_start"] = on
    if status == ProjectStatus.COMPLETED:
        data["actual_end"] = on
    return update_record(
        actor=actor,
        instance=project,
        data=data,
        version=version,
        action=AuditAction.STATUS,
        kind="project.status",
        params={"status": status},
    )


def project_archive(*, actor, project: Project, version: int) -> Project:
    """Archive a project registered by mistake: it leaves the lists and the figures, and keeps its history."""
    return archive_record(actor=actor, instance=project, version=version)


def project_restore(*, actor, project: Project, version: int) -> Project:
    return restore_record(actor=actor, instance=project, version=version)


@transaction.atomic
def total_investment_adjust(
    *, actor, project: Project, effective_on: dt.date, amount: int, decision: str = ""
) -> InvestmentAdjustment:
    """Record an approved adjustment of the total investment; the project shows the latest in force."""
    _check_amount(amount=amount)
    adjustment = InvestmentAdjustment(
        project=project, effective_on=effective_on, amount=amount, decision=nfc(decision), recorded_by=actor
    )
    adjustment.full_clean()
    adjustment.save()
    latest = project.investment_adjustments.order_by("-effective_on", "-id").first()
    Project.objects.filter(pk=project.pk).update(total_investment=latest.amount, updated_at=timezone.now())
    before = project.total_investment
    project.total_investment = latest.amount
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=project,
        changes={"total_investment": [before, latest.amount]},
        kind="project.investment_adjusted",
        params={"effective_on": effective_on.isoformat(), "amount": amount, "decision": adjustment.decision},
    )
    return adjustment


@transaction.atomic
def progress_record(
    *, actor, project: Project, observed_on: dt.date, percent: Decimal, note: str = ""
) -> ProgressObservation:
    """Record the physical progress observed on a day; the project keeps the latest."""
    check_not_future(observed_on=observed_on)
    observation = ProgressObservation(
        project=project, observed_on=observed_on, percent=percent, note=nfc(note), recorded_by=actor
    )
    observation.full_clean()
    observation.save()
    latest = project.progress.order_by("-observed_on", "-id").first()
    Project.objects.filter(pk=project.pk).update(
        progress_percent=latest.percent, progress_on=latest.observed_on, updated_at=timezone.now()
    )
    project.progress_percent, project.progress_on = latest.percent, latest.observed_on
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=project,
        changes={},
        kind="project.progress",
        params={"observed_on": observed_on.isoformat(), "percent": str(percent)},
    )
    return observation


# --- capital plans and disbursements ----------------------------------------------------------------


@transaction.atomic
def plan_set(
    *, actor, project: Project, year: int, source: str, assigned_amount: int, allocated_amount: int
) -> CapitalPlan:
    """Enter a project's capital plan for a year and a source (both denominators as first given).

    Entering it again corrects the first amounts; a change decided during the year is an adjustment
    (plan_adjust), so that the figures at an earlier date stay what they were.
    """
    _check_amount(assigned_amount=assigned_amount, allocated_amount=allocated_amount)
    plan = CapitalPlan.objects.filter(project=project, year=year, source=source).first()
    if plan is None:
        plan = CapitalPlan(
            organization_id=project.organization_id,
            project=project,
            year=year,
            source=source,
            assigned_amount=assigned_amount,
            allocated_amount=allocated_amount,
        )
        return create_record(actor=actor, instance=plan, kind="plan.entered")
    return update_record(
        actor=actor,
        instance=plan,
        data={"assigned_amount": assigned_amount, "allocated_amount": allocated_amount, "archived_at": None},
        version=plan.version,
        kind="plan.corrected",
    )


@transaction.atomic
def plan_adjust(
    *, actor, plan: CapitalPlan, denominator: str, effective_on: dt.date, amount: int, decision: str = ""
) -> PlanAdjustment:
    """Adjust one denominator of a plan from a day on (within the plan's disbursement year)."""
    _check_amount(amount=amount)
    if denominator not in Denominator.values:
        raise ValidationError({"denominator": _("Choose which amount is adjusted.")})
    first, last = disbursement_year_bounds(plan.year)
    if not first <= effective_on <= last:
        raise ValidationError(
            {
                "effective_on": _(
                    "An adjustment of the {year} plan takes effect between {first} and {last}."
                ).format(year=plan.year, first=first.strftime("%d/%m/%Y"), last=last.strftime("%d/%m/%Y"))
            }
        )
    adjustment = PlanAdjustment(
        plan=plan,
        denominator=denominator,
        effective_on=effective_on,
        amount=amount,
        decision=nfc(decision),
        recorded_by=actor,
    )
    adjustment.full_clean()
    adjustment.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=plan,
        changes={},
        kind="plan.adjusted",
        params={
            "denominator": denominator,
            "effective_on": effective_on.isoformat(),
            "amount": amount,
            "decision": adjustment.decision,
        },
    )
    return adjustment


def check_disbursement_month(plan_year: int, month: dt.date) -> None:
    """A plan year takes the months of that year and January of the next."""
    first, last = disbursement_year_bounds(plan_year)
    if not first <= month <= last:
        raise ValidationError(
            {
                "month": _("The {year} plan is disbursed from 01/{year} to 01/{next}.").format(
                    year=plan_year, next=plan_year + 1
                )
            }
        )


@transaction.atomic
def disbursement_record(
    *, actor, project: Project, source: str, plan_year: int, month: dt.date, amount: int
) -> Disbursement:
    """Enter (or correct) the amount disbursed on a project from a source in a month."""
    _check_amount(amount=amount)
    month = month_start(month)
    check_disbursement_month(plan_year, month)
    if month > month_start(timezone.localdate()):
        raise ValidationError({"month": _("A month that has not begun has no disbursement yet.")})
    row = Disbursement.objects.filter(
        project=project, source=source, plan_year=plan_year, month=month
    ).first()
    before = row.amount if row else None
    if row is None:
        row = Disbursement(
            organization_id=project.organization_id,
            project=project,
            source=source,
            plan_year=plan_year,
            month=month,
            amount=amount,
        )
    row.amount = amount
    row.updated_at = timezone.now()
    row.full_clean()
    row.save()
    disbursement_totals_refresh(
        organization_id=project.organization_id, years=[plan_year], project_ids=[project.pk]
    )
    if before != amount:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=project,
            changes={"disbursement": [before, amount]},
            kind="project.disbursement",
            params={"source": source, "plan_year": plan_year, "month": month.isoformat()},
        )
    return row


# At most this many projects are named in the refresh's statements; more, and the organisation's whole year
# is written again (one grouped read either way).
REFRESH_BY_PROJECT = 5_000


def disbursement_totals_refresh(*, organization_id: int, years, project_ids=None) -> int:
    """Write the yearly summary (DisbursementYear) of an organisation's projects again from their monthly
    rows, for the plan years `years` (and only the projects `project_ids`, when given): per year, one grouped
    read (a sum a month by project and source), one delete, one bulk insert. Every writer of Disbursement
    rows calls it in its own transaction; it returns the number of summary rows written."""
    written = 0
    ids = list(project_ids) if project_ids is not None else None
    fields = ["project", "source", "plan_year", *MONTH_FIELDS, "paid_months"]
    for year in sorted(set(years)):
        rows = Disbursement.objects.filter(organization_id=organization_id, plan_year=year)
        summary = DisbursementYear.objects.filter(project__organization_id=organization_id, plan_year=year)
        if ids is not None and len(ids) <= REFRESH_BY_PROJECT:
            rows, summary = rows.filter(project_id__in=ids), summary.filter(project_id__in=ids)
        summary.delete()
        sums = {
            name: Sum("amount", filter=Q(month=month))
            for name, month in zip(MONTH_FIELDS, plan_months(year), strict=True)
        }
        values = rows.values_list("project_id", "source").annotate(**sums).order_by()
        new = []
        for project, source, *sums in values:
            months = [int(v or 0) for v in sums]
            paid = sum(1 << i for i, amount in enumerate(months) if amount > 0)
            new.append([project, source, year, *months, paid])
        bulk.insert(DisbursementYear, fields, new)
        written += len(new)
    return written


@transaction.atomic
def target_curve_set(*, actor, organization, year: int, points: dict[int, Decimal]) -> list[TargetPoint]:
    """Set a year's cumulative floors (month -> %): rising, at most 100 %, replacing the year's curve."""
    errors = []
    previous = Decimal(0)
    for month in sorted(points):
        percent = Decimal(points[month])
        if not 1 <= month <= 13:
            errors.append(_("Month {month} is outside the disbursement year.").format(month=month))
        if not Decimal(0) <= percent <= Decimal(100):
            errors.append(_("A floor is between 0 % and 100 %."))
        if percent < previous:
            errors.append(_("The floors cannot fall from one point to the next."))
        previous = percent
    if errors:
        raise ValidationError({"points": sorted(set(errors))})
    before = {
        p.month: str(p.percent) for p in TargetPoint.objects.filter(organization=organization, year=year)
    }
    TargetPoint.objects.filter(organization=organization, year=year).delete()
    rows = TargetPoint.objects.bulk_create(
        TargetPoint(organization=organization, year=year, month=m, percent=Decimal(p))
        for m, p in sorted(points.items())
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=organization,
        changes={"target_curve": [before, {m: str(p) for m, p in sorted(points.items())}]},
        kind="target_curve.set",
        params={"year": year},
    )
    return rows


# --- working groups -----------------------------------------------------------------------------------


def refresh_group_projects(group: WorkingGroup) -> None:
    """Resolve a group's scope into one GroupProject row per project: named, by investor or by locality."""
    named = set(
        GroupProject.objects.filter(group=group, via=ScopeVia.PROJECT).values_list("project_id", flat=True)
    )
    projects = Project.objects.filter(organization_id=group.organization_id)
    by_investor = (
        set(projects.filter(investor__in=group.investors.all()).values_list("pk", flat=True)) - named
    )
    by_locality = (
        set(projects.filter(sites__locality__in=group.scope_localities.all()).values_list("pk", flat=True))
        - named
        - by_investor
    )
    GroupProject.objects.filter(group=group).exclude(via=ScopeVia.PROJECT).delete()
    GroupProject.objects.bulk_create(
        [GroupProject(group=group, project_id=p, via=ScopeVia.INVESTOR) for p in sorted(by_investor)]
        + [GroupProject(group=group, project_id=p, via=ScopeVia.LOCALITY) for p in sorted(by_locality)]
    )


def refresh_project_groups(project: Project) -> None:
    """Put a project into (or out of) the groups that follow its investor or its localities."""
    GroupProject.objects.filter(project=project).exclude(via=ScopeVia.PROJECT).delete()
    named = set(GroupProject.objects.filter(project=project).values_list("group_id", flat=True))
    groups = WorkingGroup.objects.filter(organization_id=project.organization_id)
    locality_ids = list(project.sites.values_list("locality_id", flat=True))
    by_investor = set(groups.filter(investors=project.investor_id).values_list("pk", flat=True)) - named
    by_locality = (
        set(groups.filter(scope_localities__in=locality_ids).values_list("pk", flat=True))
        - named
        - by_investor
    )
    GroupProject.objects.bulk_create(
        [GroupProject(group_id=g, project=project, via=ScopeVia.INVESTOR) for g in sorted(by_investor)]
        + [GroupProject(group_id=g, project=project, via=ScopeVia.LOCALITY) for g in sorted(by_locality)]
    )


def _set_named_projects(group: WorkingGroup, projects) -> None:
    GroupProject.objects.filter(group=group, via=ScopeVia.PROJECT).delete()
    GroupProject.objects.filter(group=group, project__in=[p.pk for p in projects]).delete()
    GroupProject.objects.bulk_create(
        GroupProject(group=group, project=p, via=ScopeVia.PROJECT)
        for p in {p.pk: p for p in projects}.values()
    )


@transaction.atomic
def group_create(
    *,
    actor,
    organization,
    number: int,
    name: str,
    term_start: dt.date,
    term_end: dt.date | None = None,
    note: str = "",
    projects=(),
    investors=(),
    localities=(),
) -> WorkingGroup:
    """Set up a working group with its scope: named projects, and optionally investors and localities."""
    _check_schedule(term_start, term_end, "term_end")
    if WorkingGroup.objects.filter(organization=organization, number=number).exists():
        raise ValidationError({"number": _("Another working group already has this number.")})
    for name_, records in (("projects", projects), ("investors", investors)):
        for record in records:
            _same_organization(organization, **{name_: record})
    group = WorkingGroup(
        organization=organization,
        number=number,
        name=nfc(name).strip(),
        term_start=term_start,
        term_end=term_end,
        note=nfc(note),
    )
    create_record(actor=actor, instance=group, kind="group.created")
    group.investors.set(investors)
    group.scope_localities.set(localities)
    _set_named_projects(group, projects)
    refresh_group_projects(group)
    return group


@transaction.atomic
def group_update(
    *, actor, group: WorkingGroup, version: int, projects=None, investors=None, localities=None, **data
) -> WorkingGroup:
    """Correct a group's name, term or note, and change its scope; the change of scope is audited."""
    unknown = set(data) - {"name", "term_start", "term_end", "note"}
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    _check_schedule(
        data.get("term_start", group.term_start), data.get("term_end", group.term_end), "term_end"
    )
    group = update_record(actor=actor, instance=group, data=data, version=version)
    scope_before = _scope_of(group)
    if investors is not None:
        group.investors.set(investors)
    if localities is not None:
        group.scope_localities.set(localities)
    if projects is not None:
        _set_named_projects(group, projects)
    scope_after = _scope_of(group)
    if scope_after != scope_before:
        refresh_group_projects(group)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=group,
            changes={
                k: [scope_before[k], scope_after[k]] for k in scope_after if scope_after[k] != scope_before[k]
            },
            kind="group.scope",
        )
    return group


def _scope_of(group: WorkingGroup) -> dict:
    return {
        "projects": sorted(
            GroupProject.objects.filter(group=group, via=ScopeVia.PROJECT).values_list(
                "project_id", flat=True
            )
        ),
        "investors": sorted(group.investors.values_list("pk", flat=True)),
        "localities": sorted(group.scope_localities.values_list("pk", flat=True)),
    }


@transaction.atomic
def group_member_add(
    *, actor, group: WorkingGroup, person, role: str, valid_from: dt.date, valid_to: dt.date | None = None
) -> GroupMember:
    """Seat a person on a group from a day on; a group has one leader at a time."""
    from investment.choices import GroupRole

    _same_organization(group.organization, person=person)
    _check_schedule(valid_from, valid_to, "valid_to")
    overlapping = GroupMember.objects.filter(group=group, valid_from__lte=valid_to or dt.date.max).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if overlapping.filter(person=person).exists():
        raise ValidationError({"person": _("This person already sits on the group for these dates.")})
    if role == GroupRole.LEADER and overlapping.filter(role=GroupRole.LEADER).exists():
        raise ValidationError({"role": _("The group already has a leader for these dates.")})
    member = GroupMember(group=group, person=person, role=role, valid_from=valid_from, valid_to=valid_to)
    member.full_clean()
    member.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=group,
        changes={},
        kind="group.member_added",
        params={"person": person.pk, "role": role, "valid_from": valid_from.isoformat()},
    )
    return member


@transaction.atomic
def group_member_end(*, actor, member: GroupMember, valid_to: dt.date) -> GroupMember:
    """End a person's seat on a group on a day; the seat stays in the group's history."""
    _check_schedule(member.valid_from, valid_to, "valid_to")
    member.valid_to = valid_to
    member.save(update_fields=["valid_to"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=member.group,
        changes={},
        kind="group.member_left",
        params={"person": member.person_id, "valid_to": valid_to.isoformat()},
    )
    return member


# --- supervision sessions -------------------------------------------------------------------------------


def _check_session_projects(group: WorkingGroup, projects) -> None:
    ids = {p.pk for p in projects}
    if not ids:
        raise ValidationError({"projects": _("Name at least one project visited.")})
    within = set(
        GroupProject.objects.filter(group=group, project_id__in=ids).values_list("project_id", flat=True)
    )
    if ids - within:
        raise ValidationError({"projects": _("A session visits only projects the group follows.")})


@transaction.atomic
def session_create(
    *,
    actor,
    group: WorkingGroup,
    held_on: dt.date,
    title: str,
    projects,
    place: str = "",
    participants=(),
    findings: str = "",
) -> SupervisionSession:
    """Record a group's supervision session: the day, the projects visited, who took part, what was found."""
    check_not_future(held_on=held_on)
    check_lengths(findings=(findings, SUMMARY_TEXT))
    projects = list(projects)
    _check_session_projects(group, projects)
    for person in participants:
        _same_organization(group.organization, participants=person)
    session = SupervisionSession(
        group=group, held_on=held_on, title=nfc(title).strip(), place=nfc(place), findings=nfc(findings)
    )
    create_record(actor=actor, instance=session, kind="session.recorded")
    session.projects.set(projects)
    session.participants.set(participants)
    return session


@transaction.atomic
def session_update(
    *, actor, session: SupervisionSession, version: int, projects=None, participants=None, **data
) -> SupervisionSession:
    """Correct a session's record."""
    unknown = set(data) - {"held_on", "title", "place", "findings"}
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    check_not_future(held_on=data.get("held_on"))
    if "findings" in data:
        check_lengths(findings=(data["findings"], SUMMARY_TEXT))
    for key in ("title", "place", "findings"):
        if key in data:
            data[key] = nfc(data[key])
    if projects is not None:
        projects = list(projects)
        _check_session_projects(session.group, projects)
    session = update_record(actor=actor, instance=session, data=data, version=version)
    if projects is not None:
        session.projects.set(projects)
    if participants is not None:
        session.participants.set(participants)
    return session


def session_raise_obstacle(
    *,
    actor,
    session: SupervisionSession,
    project: Project,
    title: str,
    description: str,
    category: str,
    resolution_level: str,
    responsible_agency=None,
    deadline: dt.date | None = None,
    raised_by=None,
):
    """An obstacle found in a session about one of its projects: kept in followup, the session as origin."""
    if not session.projects.filter(pk=project.pk).exists():
        raise ValidationError({"project": _("Choose a project visited in this session.")})
    locality = project.sites.select_related("locality").order_by("id").first()
    return followup_services.obstacle_create(
        actor=actor,
        organization=project.organization,
        title=title,
        description=description,
        category=category,
        resolution_level=resolution_level,
        locality=locality.locality if locality else None,
        agency=project.investor,
        subject=project,
        raised_by=raised_by or getattr(actor, "person", None),
        raised_in=RaisedIn.SUPERVISION_SESSION,
        origin=session,
        raised_on=session.held_on,
        responsible_agency=responsible_agency,
        deadline=deadline,
    )


def session_issue_directive(
    *,
    actor,
    session: SupervisionSession,
    content: str,
    lead_unit,
    deadline: dt.date,
    issued_by=None,
    cooperating_units=(),
    project: Project | None = None,
):
    """A directive issued at a session: recorded in followup with the session as its source."""
    locality = None
    if project is not None:
        site = project.sites.select_related("locality").order_by("id").first()
        locality = site.locality if site else None
    return followup_services.directive_create(
        actor=actor,
        organization=session.group.organization,
        content=content,
        issued_by=issued_by or followup_services.leader_person(actor),
        lead_unit=lead_unit,
        deadline=deadline,
        source_kind=SourceKind.SUPERVISION_SESSION,
        source=session,
        issued_on=session.held_on,
        cooperating_units=cooperating_units,
        locality=locality,
    )
