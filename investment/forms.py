"""Forms of the investment pages: a supervision session, and what a session raises (an obstacle, a
directive). The pickers are handed in, already scoped to the user and the group."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.filters import DayField
from core.forms import (
    DecimalCommaField,
    LongTextField,
    RemoteSelect,
    RemoteSelectMultiple,
    VersionField,
    with_blank,
)
from core.validators import LONG_TEXT, SUMMARY_TEXT, not_in_future
from followup.choices import ObstacleCategory, ResolutionLevel
from investment.choices import CapitalSource, Denominator, GroupRole, ProjectGroup, Sector
from investment.models import MAX_AMOUNT
from org.forms import AGENCY_SEARCH, BootstrapMixin

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")
# A list of check boxes keeps Tabler's check style (BootstrapMixin would give it form-control).
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class SessionForm(BootstrapMixin, forms.Form):
    held_on = DayField(label=_("Held on"), widget=DATE_WIDGET, validators=[not_in_future])
    title = forms.CharField(label=_("Title"), max_length=300)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    projects = forms.ModelMultipleChoiceField(label=_("Projects visited"), queryset=None, widget=CHECKBOXES)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=None, required=False, widget=CHECKBOXES
    )
    findings = LongTextField(label=_("Findings"), limit=SUMMARY_TEXT, rows=5, required=False)

    def __init__(self, *args, projects, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects
        self.fields["participants"].queryset = participants
        self.fields["projects"].label_from_instance = lambda p: f"{p.code} – {p.name}"
        self.fields["participants"].label_from_instance = lambda p: p.full_name


class SessionObstacleForm(BootstrapMixin, forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    title = forms.CharField(label=_("Obstacle"), max_length=300)
    description = LongTextField(label=_("Description"), limit=LONG_TEXT, rows=3)
    category = forms.ChoiceField(label=_("Category"), choices=with_blank(ObstacleCategory.choices))
    resolution_level = forms.ChoiceField(
        label=_("Level to resolve it"), choices=with_blank(ResolutionLevel.choices)
    )
    deadline = DayField(label=_("Deadline"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, projects, **kwargs):
        kwargs.setdefault("auto_id", "id_obstacle_%s")
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.code} – {p.name}"


class SessionDirectiveForm(BootstrapMixin, forms.Form):
    content = LongTextField(label=_("Directive"), limit=LONG_TEXT, rows=3)
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=None, widget=RemoteSelect(url=AGENCY_SEARCH)
    )
    deadline = DayField(label=_("Deadline"), widget=DATE_WIDGET)
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)

    def __init__(self, *args, projects, agencies, **kwargs):
        kwargs.setdefault("auto_id", "id_directive_%s")
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = agencies
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.code} – {p.name}"


# --- what the office keeps: projects, their figures, the target curve, working groups -----------------

UNIT_SEARCH = reverse_lazy("api:list_units")
PEOPLE_SEARCH = reverse_lazy("api:list_people")
PROJECT_SEARCH = reverse_lazy("api:list_projects")
SITE_ROWS = 3
MONEY_WIDGET = forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "step": "1"})


def amount_field(label, **kwargs):
    """An amount in đồng: a whole number, at least 0, at most what a real budget holds."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_AMOUNT,
        widget=MONEY_WIDGET,
        help_text=kwargs.pop("help_text", _("In đồng, a whole number.")),
        **kwargs,
    )


def year_field(label=None, **kwargs):
    return forms.IntegerField(label=label or _("Plan year"), min_value=2000, max_value=2100, **kwargs)


class MonthField(forms.DateField):
    """A month as mm/yyyy (a full dd/mm/yyyy date is read as its month)."""

    input_formats = ["%m/%Y", "%d/%m/%Y", "%Y-%m", "%Y-%m-%d"]
    widget = forms.DateInput(attrs={"placeholder": "mm/yyyy", "inputmode": "numeric"}, format="%m/%Y")

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class ProjectForm(BootstrapMixin, forms.Form):
    """Register or correct a project: the code and total investment only when registering (afterwards the
    total changes by dated adjustments), the sites as up to three localities with optional coordinates."""

    code = forms.CharField(label=_("Project code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=300)
    investor = forms.ModelChoiceField(
        label=_("Investor"), queryset=None, widget=RemoteSelect(url=AGENCY_SEARCH)
    )
    group = forms.ChoiceField(label=_("Project group"), choices=with_blank(ProjectGroup.choices))
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, initial=Sector.OTHER)
    is_key = forms.BooleanField(
        label=_("Key project"), required=False, help_text=_("A key project of the city")
    )
    total_investment = amount_field(_("Total investment"), initial=0)
    planned_start = DayField(label=_("Planned start"), widget=DATE_WIDGET, required=False)
    planned_end = DayField(label=_("Planned completion"), widget=DATE_WIDGET, required=False)
    actual_start = DayField(label=_("Actual start"), widget=DATE_WIDGET, required=False)
    actual_end = DayField(label=_("Actual completion"), widget=DATE_WIDGET, required=False)
    description = LongTextField(label=_("Description"), limit=LONG_TEXT, rows=3, required=False)
    version = VersionField()

    def __init__(self, *args, agencies, localities, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["investor"].queryset = agencies
        if editing:
            del self.fields["code"], self.fields["total_investment"]
        else:
            del self.fields["actual_start"], self.fields["actual_end"]
        for n in range(1, SITE_ROWS + 1):
            self.fields[f"site{n}_locality"] = forms.ModelChoiceField(
                label=_("Site {n}: locality").format(n=n),
                queryset=localities,
                required=False,
                widget=RemoteSelect(url=UNIT_SEARCH, attrs={"class": "form-select"}),
            )
            self.fields[f"site{n}_latitude"] = forms.DecimalField(
                label=_("Latitude"),
                max_digits=9,
                decimal_places=6,
                min_value=-90,
                max_value=90,
                required=False,
                widget=forms.NumberInput(attrs={"step": "any", "class": "form-control"}),
            )
            self.fields[f"site{n}_longitude"] = forms.DecimalField(
                label=_("Longitude"),
                max_digits=9,
                decimal_places=6,
                min_value=-180,
                max_value=180,
                required=False,
                widget=forms.NumberInput(attrs={"step": "any", "class": "form-control"}),
            )

    def site_rows(self):
        """The site fields by row, for the template: (locality, latitude, longitude)."""
        return [
            (self[f"site{n}_locality"], self[f"site{n}_latitude"], self[f"site{n}_longitude"])
            for n in range(1, SITE_ROWS + 1)
        ]

    def main_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith("site")]

    def clean(self):
        data = super().clean()
        for n in range(1, SITE_ROWS + 1):
            has_point = (
                data.get(f"site{n}_latitude") is not None or data.get(f"site{n}_longitude") is not None
            )
            if has_point and not data.get(f"site{n}_locality"):
                self.add_error(f"site{n}_locality", _("Choose the locality these coordinates are in."))
        return data

    def service_data(self) -> dict:
        """The cleaned data as the service takes it: the sites as (locality, latitude, longitude)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version" and not k.startswith("site")}
        data["sites"] = [
            (
                self.cleaned_data[f"site{n}_locality"],
                self.cleaned_data.get(f"site{n}_latitude"),
                self.cleaned_data.get(f"site{n}_longitude"),
            )
            for n in range(1, SITE_ROWS + 1)
            if self.cleaned_data.get(f"site{n}_locality")
        ]
        return data


def project_initial(project) -> dict:
    """A project's values as the form's initial data, its sites in the rows."""
    initial = {
        name: getattr(project, name)
        for name in (
            "name",
            "investor",
            "group",
            "sector",
            "is_key",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "description",
            "version",
        )
    }
    for n, site in enumerate(list(project.sites.all())[:SITE_ROWS], start=1):
        initial[f"site{n}_locality"] = site.locality_id
        initial[f"site{n}_latitude"] = site.latitude
        initial[f"site{n}_longitude"] = site.longitude
    return initial


class ProgressForm(BootstrapMixin, forms.Form):
    observed_on = DayField(label=_("Observed on"), widget=DATE_WIDGET, validators=[not_in_future])
    percent = DecimalCommaField(
        label=_("Physical progress (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_progress_%s")
        super().__init__(*args, **kwargs)


class InvestmentAdjustmentForm(BootstrapMixin, forms.Form):
    effective_on = DayField(label=_("Effective on"), widget=DATE_WIDGET)
    amount = amount_field(_("New total investment"))
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_investment_%s")
        super().__init__(*args, **kwargs)


class PlanForm(BootstrapMixin, forms.Form):
    year = year_field()
    source = forms.ChoiceField(label=_("Capital source"), choices=with_blank(CapitalSource.choices))
    assigned_amount = amount_field(_("Assigned by the Prime Minister"))
    allocated_amount = amount_field(_("Allocated by the locality"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_plan_%s")
        super().__init__(*args, **kwargs)


class PlanAdjustmentForm(BootstrapMixin, forms.Form):
    plan = forms.ModelChoiceField(label=_("Capital plan"), queryset=None)
    denominator = forms.ChoiceField(label=_("Amount adjusted"), choices=with_blank(Denominator.choices))
    effective_on = DayField(label=_("Effective on"), widget=DATE_WIDGET)
    amount = amount_field(_("New amount"))
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)

    def __init__(self, *args, plans, **kwargs):
        kwargs.setdefault("auto_id", "id_adjust_%s")
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda p: f"{p.year} – {p.get_source_display()}"


class DisbursementForm(BootstrapMixin, forms.Form):
    source = forms.ChoiceField(label=_("Capital source"), choices=with_blank(CapitalSource.choices))
    plan_year = year_field()
    month = MonthField(label=_("Month"), help_text=_("mm/yyyy; a plan year runs from January to January."))
    amount = amount_field(_("Disbursed in the month"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_disbursement_%s")
        super().__init__(*args, **kwargs)


class TargetCurveForm(BootstrapMixin, forms.Form):
    """A year's cumulative floors, month by month (13: the months of the year and January of the next);
    a month left empty has no floor."""

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        for month in range(1, 14):
            label = f"{month:02d}/{year}" if month <= 12 else _("01/{year} (next year)").format(year=year + 1)
            self.fields[f"m{month}"] = DecimalCommaField(
                label=label, min_value=0, max_value=100, max_digits=5, decimal_places=2, required=False
            )
            self.fields[f"m{month}"].widget.attrs.setdefault("class", "form-control")

    def points(self) -> dict:
        return {
            month: self.cleaned_data[f"m{month}"]
            for month in range(1, 14)
            if self.cleaned_data.get(f"m{month}") is not None
        }


class GroupForm(BootstrapMixin, forms.Form):
    """Set up or correct a working group: its number (when set up), name, term, note, and its scope."""

    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=32767)
    name = forms.CharField(label=_("Name"), max_length=300)
    term_start = DayField(label=_("Term from"), widget=DATE_WIDGET)
    term_end = DayField(label=_("Term to"), widget=DATE_WIDGET, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    projects = forms.ModelMultipleChoiceField(
        label=_("Named projects"),
        queryset=None,
        required=False,
        widget=RemoteSelectMultiple(url=PROJECT_SEARCH, detail="code"),
    )
    investors = forms.ModelMultipleChoiceField(
        label=_("Investors followed"),
        queryset=None,
        required=False,
        widget=RemoteSelectMultiple(url=AGENCY_SEARCH),
        help_text=_("Every project of these investors is in the group's scope."),
    )
    localities = forms.ModelMultipleChoiceField(
        label=_("Localities followed"),
        queryset=None,
        required=False,
        widget=RemoteSelectMultiple(url=UNIT_SEARCH),
        help_text=_("Every project with a site in these localities is in the group's scope."),
    )
    version = VersionField()

    def __init__(self, *args, projects, agencies, localities, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["number"]
        self.fields["projects"].queryset = projects
        self.fields["projects"].label_from_instance = lambda p: f"{p.code} – {p.name}"
        self.fields["investors"].queryset = agencies
        self.fields["localities"].queryset = localities


class MemberForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=None,
        widget=RemoteSelect(url=PEOPLE_SEARCH, label="full_name", detail="position"),
    )
    role = forms.ChoiceField(label=_("Role in the group"), choices=with_blank(GroupRole.choices))
    valid_from = DayField(label=_("From"), widget=DATE_WIDGET)
    valid_to = DayField(label=_("To"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, people, **kwargs):
        kwargs.setdefault("auto_id", "id_member_%s")
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class MemberEndForm(BootstrapMixin, forms.Form):
    valid_to = DayField(label=_("Last day"), widget=DATE_WIDGET)
