"""Pages of the organisation, built from the toolkit's generic views (core.toolkit)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core import audit
from core.filters import DayField
from core.listing import SortOption
from core.registry import locality_health
from core.toolkit import ObjectActionView, ObjectDetailView, ObjectExportView, ObjectFormView, ObjectListView
from org import exports, selectors, services
from org.choices import AgencyKind
from org.filters import AgencyFilterSet, AssignmentFilterSet, LeaderFilterSet, PersonFilterSet, UnitFilterSet
from org.forms import AgencyForm, AssignmentForm, MembershipEndForm, MembershipForm, PersonForm
from org.permissions import can_assign, can_change, can_manage

UNIT_SORTS = [
    SortOption("name", gettext_lazy("Name"), ("sort_key", "id")),
    SortOption("code", gettext_lazy("Code"), ("code", "id")),
]
AGENCY_SORTS = [
    SortOption("name", gettext_lazy("Name"), ("sort_key", "id")),
    SortOption("code", gettext_lazy("Code"), ("code", "id")),
    SortOption("kind", gettext_lazy("Type"), ("kind", "sort_key", "id")),
]
NAME_ORDER = [SortOption("name", gettext_lazy("Name"), ("sort_key", "id"))]
ASSIGNMENT_ORDER = [SortOption("from", gettext_lazy("From"), ("-valid_from", "id"))]


def _date_param(request, name="at") -> dt.date:
    """A dd/mm/yyyy (or ISO) date from the query string; today, with a warning, when malformed."""
    raw = request.GET.get(name, "").strip()
    if raw:
        try:
            return DayField().clean(raw)
        except ValidationError:
            messages.warning(request, _("The date must read dd/mm/yyyy; showing today instead."))
    return timezone.localdate()


def _history(*records):
    return audit.timeline(audit.history_for(*records)[:15], everything=True)


class OrganisationOnly:
    """Pages that show the organisation's tree: someone without an organisation reaches nothing."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.committee = selectors.committee_or_404(request.user)
        return super().dispatch(request, *args, **kwargs)


# --- localities -----------------------------------------------------------------------------------


class UnitList(OrganisationOnly, ObjectListView):
    """The unit tree one level at a time (the root's children by default), or a flat search."""

    selector = selectors.unit_list
    filterset = UnitFilterSet
    sorts = UNIT_SORTS
    template_name, partial_name, nav = "org/unit_list.html", "org/_unit_rows.html", "units"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        self.parent = None
        raw = request.GET.get("parent", "")
        if raw.isdigit() and int(raw):
            self.parent = selectors.get_unit_for_user(user=request.user, pk=int(raw))
        elif not request.GET.get("q", "").strip():
            self.parent = self.committee.root_unit
            qs = qs.filter(parent_id=self.parent.pk)
        return qs

    def get_extra_context(self, request, page, filterset):
        units = list(page.object_list)
        answers = selectors.responsible_leaders(units, organization=self.committee)
        parent = None if filterset.applied.get("q") else self.parent
        rows = [(u, answers[u.pk]) for u in units]
        return {"parent": parent, "root": self.committee.root_unit, "rows": rows}


class UnitDetail(ObjectDetailView):
    """One locality: who answers for it (today or on a date), its assignments, units and history."""

    gate = selectors.get_unit_for_user
    template_name, context_object_name, nav = "org/unit_detail.html", "unit", "units"
    actions = {"assign": can_assign}

    def get_extra_context(self, request, unit):
        user, day = request.user, _date_param(request)
        committee = selectors.committee_for(user)
        assignments = list(
            selectors.assignment_list(user=user, locality=unit.pk).order_by("-valid_from", "id")[:50]
        )
        return {
            "answer": selectors.responsible_leader(unit, at=day, organization=committee),
            "day": day,
            "assignments": assignments,
            "children_count": selectors.unit_list(user=user, parent=unit.pk).count(),
            "agencies": selectors.agency_list(user=user, locality=unit.pk)[:50],
            "events": _history(unit, *assignments),
            "health": locality_health(user=user, unit=unit, now=timezone.now()),
        }


# --- agencies -------------------------------------------------------------------------------------


class AgencyList(ObjectListView):
    selector = selectors.agency_list
    filterset = AgencyFilterSet
    sorts = AGENCY_SORTS
    template_name, partial_name, nav = "org/agency_list.html", "org/_agency_rows.html", "agencies"

    def get_extra_context(self, request, page, filterset):
        return {"kind": filterset.applied.get("kind", ""), "kinds": AgencyKind.choices}


class AgencyDetail(ObjectDetailView):
    gate = selectors.get_agency_for_user
    template_name, context_object_name, nav = "org/agency_detail.html", "agency", "agencies"
    actions = {"change": can_change, "assign": can_assign}

    def get_extra_context(self, request, agency):
        user, day = request.user, _date_param(request)
        committee = selectors.committee_for(user)
        assignments = list(selectors.assignment_list(user=user, agency=agency.pk)[:50])
        return {
            "day": day,
            "answer": selectors.responsible_leader(agency, at=day, organization=committee),
            "assignments": assignments,
            "children": selectors.agency_list(user=user).filter(parent=agency)[:100],
            "events": _history(agency, *assignments),
        }


class AgencyEdit(ObjectFormView):
    """Create or edit an agency (the office only)."""

    permission = can_manage
    gate = selectors.get_agency_for_user
    form_class = AgencyForm
    template_name, context_object_name, nav = "org/agency_form.html", "agency", "agencies"
    initial_fields = ("code", "name", "short_name", "kind", "parent", "locality", "email", "phone", "version")

    def get_form_kwargs(self, request, agency):
        return {
            "agencies": selectors.agency_list(user=request.user).exclude(pk=agency.pk if agency else 0),
            "localities": selectors.unit_list(user=request.user),
        }

    def create(self, request, data):
        committee = selectors.committee_for(request.user)
        return services.agency_create(actor=request.user, organization=committee, **data)

    def update(self, request, agency, data, version):
        return services.agency_update(actor=request.user, agency=agency, version=version, **data)


# --- leaders and people ---------------------------------------------------------------------------


class LeaderList(ObjectListView):
    """Leaders with their current assignments, and the current bodies with their members in order."""

    selector = selectors.leader_list
    filterset = LeaderFilterSet
    template_name, partial_name, nav = "org/leader_list.html", "org/_leader_rows.html", "leaders"

    def get_extra_context(self, request, page, filterset):
        return {"bodies": selectors.current_body_list(user=request.user)}


class PersonList(ObjectListView):
    """Everybody of the organisation, searchable without diacritics; the office also sees the archived."""

    selector = selectors.person_directory
    filterset = PersonFilterSet
    sorts = NAME_ORDER
    template_name, partial_name, nav = "org/person_list.html", "org/_person_rows.html", "leaders"

    def get_extra_context(self, request, page, filterset):
        return {"archived": bool(filterset.applied.get("archived")) and request.user.is_office}


class PersonDetail(ObjectDetailView):
    """A person's profile: current and past assignments, seats on bodies, history."""

    gate = selectors.get_person_for_user
    template_name, context_object_name, nav = "org/person_detail.html", "person", "leaders"
    actions = {"change": can_change, "assign": can_assign}

    def get_extra_context(self, request, person):
        user, today = request.user, timezone.localdate()
        assignments = list(
            selectors.assignment_list(user=user, leader=person.pk).order_by("-valid_from", "id")[:200]
        )
        memberships = list(selectors.membership_list(user=user, person=person.pk)[:100])
        return {
            "current": [a for a in assignments if a.is_valid_on(today)],
            "past": [a for a in assignments if not a.is_valid_on(today)],
            "seats": [m for m in memberships if m.valid_to is None or m.valid_to >= today],
            "past_seats": [m for m in memberships if m.valid_to is not None and m.valid_to < today],
            "events": _history(person, *memberships),
        }


class PersonEdit(ObjectFormView):
    """Create or edit a person (the office only); a stale form is refused with a clear message."""

    permission = can_manage
    gate = selectors.get_person_for_user
    form_class = PersonForm
    template_name, context_object_name, nav = "org/person_form.html", "person", "leaders"
    initial_fields = ("full_name", "position", "agency", "email", "phone", "version")

    def get_form_kwargs(self, request, person):
        return {"agencies": selectors.agency_list(user=request.user)}

    def create(self, request, data):
        committee = selectors.committee_for(request.user)
        return services.person_create(actor=request.user, organization=committee, **data)

    def update(self, request, person, data, version):
        return services.person_update(actor=request.user, person=person, version=version, **data)


class PersonArchive(ObjectActionView):
    """Archive a person (the office only): they leave the lists; their page and history stay."""

    gate, service, object_argument = selectors.get_person_for_user, services.person_archive, "person"
    success_message = gettext_lazy("The person has been archived.")


class PersonRestore(ObjectActionView):
    """Bring an archived person back (the office only)."""

    gate, service, object_argument = selectors.get_person_for_user, services.person_restore, "person"
    success_message = gettext_lazy("The person has been restored.")


class MembershipCreate(ObjectFormView):
    """Seat a person on a body (the office only)."""

    gate = selectors.get_person_for_user
    form_class = MembershipForm
    template_name, context_object_name, nav = "org/membership_form.html", "person", "leaders"
    success_message = gettext_lazy("The seat has been added.")

    def get_initial(self, request, person):
        return {"valid_from": timezone.localdate(), "order": 100}

    def get_form_kwargs(self, request, person):
        return {"bodies": selectors.current_body_list(user=request.user)}

    def save(self, request, person, form):
        services.membership_add(actor=request.user, person=person, **form.cleaned_data)
        return person


class MembershipEnd(ObjectFormView):
    """End a seat on a body on a date (the office only)."""

    gate = selectors.get_membership_for_user
    form_class = MembershipEndForm
    template_name, context_object_name, nav = "org/membership_end.html", "membership", "leaders"
    success_message = gettext_lazy("The seat has been ended.")

    def get_initial(self, request, membership):
        return {"valid_to": timezone.localdate(), "version": membership.version}

    def update(self, request, membership, data, version):
        return services.membership_end(
            actor=request.user, membership=membership, version=version, on=data["valid_to"]
        )

    def get_success_url(self, membership):
        return membership.person.get_absolute_url()


# --- assignments ----------------------------------------------------------------------------------


class Matrix(OrganisationOnly, ObjectListView):
    """Leaders × localities for one page of communes; the office edits cells."""

    filterset = UnitFilterSet
    sorts = NAME_ORDER
    per_page = 25
    template_name, partial_name, nav = "org/matrix.html", "org/_matrix_table.html", "matrix"
    export_url = "org:assignment_export"

    def get_queryset(self, request):
        return selectors.unit_list(user=request.user, level=self.committee.root_unit.level + 1)

    def get_extra_context(self, request, page, filterset):
        day = _date_param(request)
        leaders, rows = selectors.assignment_matrix(user=request.user, units=page.object_list, on=day)
        return {
            "leaders": leaders,
            "rows": rows,
            "day": day,
            "can_edit": can_manage(request.user),
            "export_query": f"at={day:%d/%m/%Y}",
        }


class AssignmentExport(ObjectExportView):
    """The assignments (the same filters as the API list) as an Excel workbook."""

    selector = selectors.assignment_list
    filterset = AssignmentFilterSet
    sorts = ASSIGNMENT_ORDER
    workbook = exports.assignment_workbook
    filename = "assignments"


class AssignmentEdit(ObjectFormView):
    """Create or edit an assignment (the office only); htmx gets the form partial back."""

    permission = can_manage
    gate = selectors.get_assignment_for_user
    form_class = AssignmentForm
    template_name, htmx_template_name = "org/assignment_form.html", "org/_assignment_form.html"
    context_object_name, nav = "assignment", "matrix"
    success_message = gettext_lazy("The assignment has been saved.")
    initial_fields = (
        *("leader", "locality", "agency", "field", "role"),
        *("valid_from", "valid_to", "decision", "note", "version"),
    )

    def get_initial(self, request, assignment):
        if assignment is not None:
            return super().get_initial(request, assignment)
        ids = {k: request.GET.get(k, "") for k in ("locality", "leader")}
        return {
            **{k: int(v) for k, v in ids.items() if v.isdigit()},
            "valid_from": timezone.localdate(),
        }

    def get_form_kwargs(self, request, assignment):
        user = request.user
        return {
            "leaders": selectors.person_list(user=user),
            "localities": selectors.unit_list(user=user),
            "agencies": selectors.agency_list(user=user),
            "fields": selectors.field_list(user=user),
        }

    def create(self, request, data):
        committee = selectors.committee_for(request.user)
        return services.assignment_create(actor=request.user, organization=committee, **data)

    def update(self, request, assignment, data, version):
        return services.assignment_update(actor=request.user, assignment=assignment, version=version, **data)

    def get_success_url(self, assignment):
        target = assignment.target
        return target.get_absolute_url() if hasattr(target, "get_absolute_url") else reverse("org:matrix")


class AssignmentArchive(ObjectActionView):
    permission = can_manage
    gate, service = selectors.get_assignment_for_user, services.assignment_archive
    object_argument = "assignment"
    success_message = gettext_lazy("The assignment has been archived.")

    def get_success_url(self, assignment):
        return reverse("org:matrix")


# --- who answers for ------------------------------------------------------------------------------


@require_safe
@login_required
def responsible(request):
    """Search a locality or unit and see who answers for it on a date."""
    user = request.user
    q = request.GET.get("q", "").strip()
    day = _date_param(request)
    committee = selectors.committee_for(user)
    units, agencies = [], []
    if q:
        units = list(selectors.unit_list(user=user, q=q).order_by("level", "sort_key")[:20])
        agencies = list(selectors.agency_list(user=user, q=q).order_by("sort_key")[:20])
    answers = selectors.responsible_leaders(units, at=day, organization=committee) if units else {}
    agency_answers = [
        (a, selectors.responsible_leader(a, at=day, organization=committee)) for a in agencies[:5]
    ]
    return render(
        request,
        "org/responsible.html",
        {
            "nav": "responsible",
            "q": q,
            "day": day,
            "unit_rows": [(u, answers[u.pk]) for u in units],
            "agency_rows": agency_answers,
            "agency_more": agencies[5:],
        },
    )
