"""Pages of the working calendar: the office sees a year's holidays and exceptions, adds and archives them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import services
from core.calendar import (
    WorkingCalendar,
    calendar_exception_list,
    get_calendar_exception_for_user,
    make_up_working_days,
    national_holidays,
)
from core.errors import ConflictError
from core.forms import add_errors
from core.listing import paginate, query_string_without
from core.models import CalendarExceptionKind
from core.web import posted_version

MIN_YEAR, MAX_YEAR = 1995, 2100


class CalendarExceptionForm(forms.Form):
    """A working day or an extra day off, with the date typed dd/mm/yyyy."""

    date = forms.DateField(
        label=gettext_lazy("Date"),
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "class": "form-control"},
        ),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=CalendarExceptionKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


def _year_param(request) -> int:
    """The ?year= of the query string; this year when absent or out of range."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
        return int(raw)
    return timezone.localdate().year


def _year_url(year: int) -> str:
    return "{}?year={}".format(reverse("core:calendar"), year)


def _archive(request):
    """Archive one exception (POST action=archive, exception=<id>, version=<n>)."""
    user = request.user
    raw_pk = request.POST.get("exception", "")
    if not raw_pk.isdigit():
        raise Http404
    exception = get_calendar_exception_for_user(user=user, pk=int(raw_pk), action="archive")
    try:
        services.calendar_exception_archive(actor=user, exception=exception, version=posted_version(request))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Exception archived."))
    return redirect(_year_url(exception.date.year))


@login_required
def calendar_page(request):
    """A year of the organisation's calendar: holidays, exceptions, working days per month (the office)."""
    user = request.user
    if not user.is_office or not user.organization_id:
        raise Http404
    year = _year_param(request)
    form = CalendarExceptionForm()
    if request.method == "POST":
        if request.POST.get("action") == "archive":
            return _archive(request)
        form = CalendarExceptionForm(request.POST)
        if form.is_valid():
            try:
                exception = services.calendar_exception_create(
                    actor=user, organization=user.organization_id, **form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Exception saved."))
                return redirect(_year_url(exception.date.year))

    calendar = WorkingCalendar.for_organization(user.organization_id)
    months = calendar.month_summaries(year)
    holidays = [
        {"date": day, "name": name, "override": calendar.exception_kind(day)}
        for day, name in national_holidays(year)
    ]
    page = paginate(request, calendar_exception_list(user=user, year=year))
    context = {
        "nav": "calendar",
        "year": year,
        "years": {
            "previous": year - 1 if year > MIN_YEAR else None,
            "next": year + 1 if year < MAX_YEAR else None,
        },
        "months": months,
        "total_days": sum(m.working_days for m in months),
        "total_hours": sum(m.working_hours for m in months),
        "holidays": holidays,
        "make_up_days": make_up_working_days(year),
        "weekday_spans": calendar.weekday_spans,
        "saturday_spans": calendar.saturday_spans,
        "page": page,
        "qs_page": query_string_without(request, "page"),
        "form": form,
    }
    return render(request, "core/calendar.html", context)
