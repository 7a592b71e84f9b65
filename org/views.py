"""Pages of the organisation: thin views that parse, call a selector or a service, and render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import audit
from core.errors import ConflictError
from core.forms import add_errors, form_version
from core.listing import SortOption, paginate, render_list, sort_queryset
from core.web import posted_version
from org import selectors, services
from org.choices import AgencyKind
from org.forms import AgencyForm, AssignmentForm, MembershipEndForm, MembershipForm, PersonForm

UNIT_SORTS = [
    SortOption("name", gettext_lazy("Name"), ("sort_key", "id")),
    SortOption("code", gettext_lazy("Code"), ("code", "id")),
]
AGENCY_SORTS = [
    SortOption("name", gettext_lazy("Name"), ("sort_key", "id")),
    SortOption("code", gettext_lazy("Code"), ("code", "id")),
    SortOption("kind", gettext_lazy("Type"), ("kind", "sort_key", "id")),
]


def _date_param(request, name="at") -> dt.date:
    """A dd/mm/yyyy (or ISO) date from the query string; today when absent or malformed."""
    raw = request.GET.get(name, "").strip()
    if raw:
        try:
            return dt.datetime.strptime(raw, "%d/%m/%Y").date()
        except ValueError:
            parsed = parse_date(raw) if len(raw) == 10 else None
            if parsed:
                return parsed
            messages.warning(request, _("The date must read dd/mm/yyyy; showing today instead."))
    return timezone.localdate()


def _int_param(request, name) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


# --- localities -----------------------------------------------------------------------------------


@login_required
def unit_list(request):
    """The unit tree: one level at a time, or a flat search that ignores diacritics."""
    user = request.user
    committee = selectors.committee_for(user)
    if committee is None:
        raise Http404
    q = request.GET.get("q", "").strip()
    parent_id = _int_param(request, "parent")
    if q:
        qs = selectors.unit_list(user=user, q=q)
        parent = None
    else:
        parent = selectors.get_unit_for_user(user=user, pk=parent_id) if parent_id else committee.root_unit
        qs = selectors.unit_list(user=user, parent=parent.pk)
    qs, sort = sort_queryset(request, qs, UNIT_SORTS)
    page = paginate(request, qs)
    units = list(page.object_list)
    answers = selectors.responsible_leaders(units, organization=committee)
    rows = [(u, answers[u.pk]) for u in units]
    context = {
        "nav": "units",
        "q": q,
        "parent": parent,
        "root": committee.root_unit,
        "page": page,
        "rows": rows,
        "sort": sort,
    }
    return render_list(request, "org/unit_list.html", "org/_unit_rows.html", context)


@login_required
def unit_detail(request, pk: int):
    """One locality: who answers for it (today or on a date), its assignments, units and history."""
    user = request.user
    unit = selectors.get_unit_for_user(user=user, pk=pk)
    committee = selectors.committee_for(user)
    day = _date_param(request)
    answer = selectors.responsible_leader(unit, at=day, organization=committee)
    assignments = list(
        selectors.assignment_list(user=user, locality=unit.pk).order_by("-valid_from", "id")[:50]
    )
    children = selectors.unit_list(user=user, parent=unit.pk)
    agencies = selectors.agency_list(user=user, locality=unit.pk)[:50]
    return render(
        request,
        "org/unit_detail.html",
        {
            "nav": "units",
            "unit": unit,
            "answer": answer,
            "day": day,
            "assignments": assignments,
            "children_count": children.count(),
            "agencies": agencies,
            "events": audit.present(audit.history_for(unit, *assignments)[:15]),
        },
    )


# --- agencies -------------------------------------------------------------------------------------


@login_required
def agency_list(request):
    user = request.user
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    qs = selectors.agency_list(user=user, q=q, kind=kind if kind in AgencyKind.values else None)
    qs, sort = sort_queryset(request, qs, AGENCY_SORTS)
    page = paginate(request, qs)
    context = {
        "nav": "agencies",
        "q": q,
        "kind": kind,
        "kinds": AgencyKind.choices,
        "page": page,
        "sort": sort,
    }
    return render_list(request, "org/agency_list.html", "org/_agency_rows.html", context)


@login_required
def agency_detail(request, pk: int):
    user = request.user
    agency = selectors.get_agency_for_user(user=user, pk=pk)
    committee = selectors.committee_for(user)
    day = _date_param(request)
    assignments = list(selectors.assignment_list(user=user, agency=agency.pk)[:50])
    return render(
        request,
        "org/agency_detail.html",
        {
            "nav": "agencies",
            "agency": agency,
            "day": day,
            "answer": selectors.responsible_leader(agency, at=day, organization=committee),
            "assignments": assignments,
            "children": selectors.agency_list(user=user).filter(parent=agency)[:100],
            "events": audit.present(audit.history_for(agency, *assignments)[:15]),
        },
    )


@login_required
def agency_edit(request, pk: int | None = None):
    """Create or edit an agency (the office only)."""
    user = request.user
    agency = selectors.get_agency_for_user(user=user, pk=pk, action="change") if pk else None
    if agency is None and not user.is_office:
        raise Http404
    committee = selectors.committee_for(user)
    initial = {}
    if agency is not None:
        initial = {
            f: getattr(agency, f)
            for f in ("code", "name", "short_name", "kind", "parent", "locality", "email", "phone", "version")
        }
    form = AgencyForm(
        request.POST or None,
        initial=initial,
        agencies=selectors.agency_list(user=user).exclude(pk=pk or 0),
        localities=selectors.unit_list(user=user),
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            if agency is None:
                agency = services.agency_create(actor=user, organization=committee, **data)
            else:
                agency = services.agency_update(actor=user, agency=agency, version=form_version(form), **data)
        except ValidationError as exc:
            add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(agency.get_absolute_url())
    return render(request, "org/agency_form.html", {"nav": "agencies", "form": form, "agency": agency})


# --- leaders --------------------------------------------------------------------------------------


@login_required
def leader_list(request):
    """Leaders with their current assignments, and the current bodies with their members in order."""
    user = request.user
    q = request.GET.get("q", "").strip()
    page = paginate(request, selectors.leader_list(user=user, q=q))
    context = {"nav": "leaders", "q": q, "page": page, "bodies": selectors.current_body_list(user=user)}
    return render_list(request, "org/leader_list.html", "org/_leader_rows.html", context)


@login_required
def person_detail(request, pk: int):
    """A person's profile: current and past assignments, seats on bodies, history."""
    user = request.user
    person = selectors.get_person_for_user(user=user, pk=pk)
    today = timezone.localdate()
    assignments = list(
        selectors.assignment_list(user=user, leader=person.pk).order_by("-valid_from", "id")[:200]
    )
    current = [a for a in assignments if a.is_valid_on(today)]
    past = [a for a in assignments if not a.is_valid_on(today)]
    memberships = list(selectors.membership_list(user=user, person=person.pk)[:100])
    return render(
        request,
        "org/person_detail.html",
        {
            "nav": "leaders",
            "person": person,
            "current": current,
            "past": past,
            "seats": [m for m in memberships if m.valid_to is None or m.valid_to >= today],
            "past_seats": [m for m in memberships if m.valid_to is not None and m.valid_to < today],
            "events": audit.present(audit.history_for(person, *memberships)[:15]),
        },
    )


@login_required
def person_list(request):
    """Everybody of the organisation, searchable without diacritics; the office also sees the archived."""
    user = request.user
    q = request.GET.get("q", "").strip()
    archived = user.is_office and request.GET.get("archived") == "1"
    page = paginate(request, selectors.person_page_list(user=user, q=q, archived=archived))
    context = {"nav": "leaders", "q": q, "archived": archived, "page": page}
    return render_list(request, "org/person_list.html", "org/_person_rows.html", context)


@login_required
def person_edit(request, pk: int | None = None):
    """Create or edit a person (the office only); a stale form is refused with a clear message."""
    user = request.user
    person = selectors.get_person_for_user(user=user, pk=pk, action="change") if pk else None
    if person is None and not user.is_office:
        raise Http404
    initial = {}
    if person is not None:
        initial = {
            f: getattr(person, f) for f in ("full_name", "position", "agency", "email", "phone", "version")
        }
    form = PersonForm(request.POST or None, initial=initial, agencies=selectors.agency_list(user=user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            if person is None:
                person = services.person_create(
                    actor=user, organization=selectors.committee_for(user), **data
                )
            else:
                version = form_version(form)
                person = services.person_update(actor=user, person=person, version=version, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(person.get_absolute_url())
    return render(request, "org/person_form.html", {"nav": "leaders", "form": form, "person": person})


@login_required
@require_POST
def person_archive(request, pk: int):
    """Archive a person (the office only): they leave the lists; their page and history stay."""
    user = request.user
    person = selectors.get_person_for_user(user=user, pk=pk, action="change")
    try:
        services.person_archive(actor=user, person=person, version=posted_version(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The person has been archived."))
    return redirect(person.get_absolute_url())


@login_required
@require_POST
def person_restore(request, pk: int):
    """Bring an archived person back (the office only)."""
    user = request.user
    person = selectors.get_person_for_user(user=user, pk=pk, action="change")
    try:
        services.person_restore(actor=user, person=person, version=posted_version(request))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The person has been restored."))
    return redirect(person.get_absolute_url())


@login_required
def membership_create(request, pk: int):
    """Seat a person on a body (the office only)."""
    user = request.user
    person = selectors.get_person_for_user(user=user, pk=pk, action="change")
    form = MembershipForm(
        request.POST or None,
        initial={"valid_from": timezone.localdate(), "order": 100},
        bodies=selectors.current_body_list(user=user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(actor=user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The seat has been added."))
            return redirect(person.get_absolute_url())
    return render(request, "org/membership_form.html", {"nav": "leaders", "form": form, "person": person})


@login_required
def membership_end(request, pk: int):
    """End a seat on a body on a date (the office only)."""
    user = request.user
    membership = selectors.get_membership_for_user(user=user, pk=pk, action="change")
    form = MembershipEndForm(
        request.POST or None, initial={"valid_to": timezone.localdate(), "version": membership.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                actor=user,
                membership=membership,
                version=form_version(form),
                on=form.cleaned_data["valid_to"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The seat has been ended."))
            return redirect(membership.person.get_absolute_url())
    return render(
        request, "org/membership_end.html", {"nav": "leaders", "form": form, "membership": membership}
    )


# --- assignments ----------------------------------------------------------------------------------


@login_required
def matrix(request):
    """Leaders × localities for one page of communes; the office edits cells."""
    user = request.user
    committee = selectors.committee_for(user)
    if committee is None:
        raise Http404
    q = request.GET.get("q", "").strip()
    day = _date_param(request)
    units = selectors.unit_list(user=user, q=q, level=committee.root_unit.level + 1).order_by(
        "sort_key", "id"
    )
    page = paginate(request, units, per_page=25)
    leaders, rows = selectors.assignment_matrix(user=user, units=page.object_list, on=day)
    context = {
        "nav": "matrix",
        "q": q,
        "page": page,
        "leaders": leaders,
        "rows": rows,
        "day": day,
        "can_edit": user.is_office,
    }
    return render_list(request, "org/matrix.html", "org/_matrix_table.html", context)


@login_required
def assignment_edit(request, pk: int | None = None):
    """Create or edit an assignment (the office only); htmx gets the form partial back."""
    user = request.user
    if not user.is_office:
        raise Http404
    assignment = selectors.get_assignment_for_user(user=user, pk=pk, action="change") if pk else None
    committee = selectors.committee_for(user)
    if assignment is not None:
        initial = {
            f: getattr(assignment, f)
            for f in (
                "leader",
                "locality",
                "agency",
                "field",
                "role",
                "valid_from",
                "valid_to",
                "decision",
                "note",
                "version",
            )
        }
    else:
        initial = {
            "locality": _int_param(request, "locality"),
            "leader": _int_param(request, "leader"),
            "valid_from": timezone.localdate(),
        }
    form = AssignmentForm(
        request.POST or None,
        initial=initial,
        leaders=selectors.person_list(user=user),
        localities=selectors.unit_list(user=user),
        agencies=selectors.agency_list(user=user),
        fields=selectors.field_list(user=user),
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            if assignment is None:
                assignment = services.assignment_create(actor=user, organization=committee, **data)
            else:
                version = form_version(form)
                assignment = services.assignment_update(
                    actor=user, assignment=assignment, version=version, **data
                )
        except ValidationError as exc:
            add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The assignment has been saved."))
            target = (
                assignment.target.get_absolute_url()
                if hasattr(assignment.target, "get_absolute_url")
                else None
            )
            return redirect(target or "org:matrix")
    template = (
        "org/_assignment_form.html" if request.headers.get("HX-Request") else "org/assignment_form.html"
    )
    return render(request, template, {"nav": "matrix", "form": form, "assignment": assignment})


@login_required
@require_POST
def assignment_archive(request, pk: int):
    user = request.user
    if not user.is_office:
        raise Http404
    assignment = selectors.get_assignment_for_user(user=user, pk=pk, action="change")
    try:
        services.assignment_archive(actor=user, assignment=assignment, version=posted_version(request))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The assignment has been archived."))
    return redirect("org:matrix")


# --- who answers for ------------------------------------------------------------------------------


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
