"""Pages of public investment, on the toolkit (core.toolkit)."""


# --- Excel in and out

import datetime as _dt

from django import forms as _forms
from django.urls import reverse as _reverse
from django.utils import timezone as _timezone
from django.utils import translation as _translation

from core.toolkit import ObjectExportView, ObjectImportView, ScopedView
from core.web import xlsx_export
from investment import exports as _exports
from investment import selectors as _selectors
from investment.filters import ProjectFilterSet
from investment.models import WorkingGroup as _WorkingGroup
from investment.permissions import can_manage as _can_manage
from org import selectors as _org_selectors
from org.forms import BootstrapMixin as _BootstrapMixin
from org.models import Agency as _Agency


class DisbursementImportForm(_BootstrapMixin, _forms.Form):
    file = _forms.FileField(
        label=_translation.gettext_lazy("Excel file (.xlsx)"),
        widget=_forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise _forms.ValidationError(_translation.gettext_lazy("Upload an Excel workbook (.xlsx)."))
        return upload


class DisbursementImport(ObjectImportView):
    """Import the month's disbursement figures from an Excel sheet (the office of the organisation), as a
    background task with a progress page: all or nothing, every error by row and column; a figure already
    recorded is corrected, the same sheet imported twice changes nothing."""

    permission = _can_manage
    form_class = DisbursementImportForm
    import_kind = "disbursements"
    template_workbook = _exports.disbursement_import_template
    template_filename = "disbursement-template.xlsx"
    template_name, nav = "core/import.html", "investment"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _org_selectors.committee_or_404(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_extra_context(self, request, obj):
        return {
            "title": _translation.gettext("Import disbursement figures"),
            "pretitle": _translation.gettext("Public investment"),
            "intro": _translation.gettext(
                "Upload an Excel sheet of monthly disbursement figures: one figure a row (project code, "
                "capital source, plan year, month, amount in đồng), or one project a row with the month "
                "columns T1 to T12 and T1 of the next year. A figure already recorded is replaced by the "
                "sheet's. If any row has an error, nothing is imported: correct the sheet and upload it "
                "again."
            ),
            "template_url": _reverse("investment:disbursement_import") + "?template=1",
            "cancel_url": _reverse("investment:disbursement_import"),
        }


class ProjectExport(ObjectExportView):
    """The filtered project list as an Excel workbook, with an audit event saying who took what."""

    selector = staticmethod(_selectors.project_list)
    filterset = ProjectFilterSet
    workbook = _exports.project_workbook
    filename = "projects"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _org_selectors.committee_or_404(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("sort_key", "id")


def _analytics_date(value: str | None) -> _dt.date:
    try:
        return _dt.date.fromisoformat(value) if value else _timezone.localdate()
    except ValueError:
        return _timezone.localdate()


class AnalyticsExport(ScopedView):
    """The disbursement figures at a date (`at`, `year`): the city, each source, the ranking of the working
    groups and of the investors, each project; over the projects the user may see."""

    def get(self, request, *args, **kwargs):
        committee = _org_selectors.committee_or_404(request.user)
        at = _analytics_date(request.GET.get("at"))
        year = request.GET.get("year", "")
        year = int(year) if year.isdigit() and 2000 <= int(year) <= at.year else at.year
        projects = _selectors.project_list(user=request.user).order_by()
        groups = list(_WorkingGroup.objects.filter(organization=committee).order_by("number"))
        investors = dict(
            _Agency.objects.filter(pk__in=projects.values("investor_id")).values_list("pk", "name")
        )
        tables = _exports.analytics_tables(
            projects, organization=committee, groups=groups, investors=investors, at=at, year=year
        )
        return xlsx_export(request, _exports.analytics_workbook(tables), "disbursement")
