"""Forms of incidents; they only parse input (dates and times day first), the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import LongTextField, RemoteSelect, RemoteSelectMultiple, VersionField, with_blank
from incidents.choices import FLAGS, IncidentField, IncidentSource, IncidentStatus, RejectReason, Severity
from incidents.models import Incident
from org.forms import AGENCY_SEARCH, DATE_INPUT_FORMATS, LEADER_SEARCH, BootstrapMixin, DateInput
from org.models import AdministrativeUnit, Agency, Person

# Day first whatever the interface language: "05/03/2026 09:30" is the 5th of March.
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %Hh%M",
    "%H:%M %d/%m/%Y",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
]


class DateTimeInput(forms.DateTimeInput):
    """A dd/mm/yyyy HH:MM text input: the human format, whatever the browser's locale."""

    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y %H:%M",
            attrs={"placeholder": "dd/mm/yyyy HH:MM", "class": "form-control", "autocomplete": "off"},
            **kwargs,
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; core.services.attachment_add checks each one's type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _radio_style(form) -> None:
    """Radio buttons and checkboxes get Tabler's check style (BootstrapMixin gives them form-control)."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"


class IncidentForm(BootstrapMixin, forms.Form):
    """Report an incident: what, where (a locality and/or a unit, maybe a point), when, how it came in."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = LongTextField(label=_("Description"), rows=4)
    locality = forms.ModelChoiceField(
        label=_("Locality"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(label=_("Unit concerned"), queryset=Agency.objects.none(), required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("Street, house number, landmark."),
    )
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.HiddenInput,
    )
    occurred_at = forms.DateTimeField(
        label=_("Occurred at"), input_formats=DATETIME_INPUT_FORMATS, widget=DateTimeInput()
    )
    # No preselected source or field: the reporter must choose, not accept the first entry by accident.
    source = forms.ChoiceField(label=_("Source"), choices=with_blank(IncidentSource.choices))
    field = forms.ChoiceField(label=_("Field"), choices=with_blank(IncidentField.choices))
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.NORMAL, widget=forms.RadioSelect
    )
    reporter_name = forms.CharField(label=_("Reported by (name)"), max_length=200, required=False)
    reporter_contact = forms.CharField(
        label=_("Reporter's contact"),
        max_length=200,
        required=False,
        help_text=_("Phone or e-mail, to ask for details."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Photos and documents: PDF, JPEG, PNG, DOCX or XLSX."),
    )
    duplicate_of = forms.ModelChoiceField(
        label=_("Duplicate of"), queryset=Incident.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, localities, agencies, incidents, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in FLAGS:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        self.fields["locality"].queryset = localities
        self.fields["agency"].queryset = agencies
        self.fields["duplicate_of"].queryset = incidents
        self.fields["attachments"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"
        _radio_style(self)

    def flag_fields(self):
        return [self[name] for name, _label in FLAGS]

    def clean(self):
        data = super().clean()
        if not data.get("locality") and not data.get("agency") and "locality" not in self.errors:
            self.add_error("locality", _("Name the locality or the unit where it happened."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(None, _("Give both the latitude and the longitude, or neither."))
        return data


class StatusForm(forms.Form):
    """One move along the workflow, with what that move needs (a resolution, a reason to reject)."""

    status = forms.ChoiceField(choices=IncidentStatus.choices)
    version = VersionField()
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    resolution = LongTextField(label=_("What was done"), required=False)
    reject_reason = forms.ChoiceField(
        label=_("Rejected as"), choices=[("", "—"), *RejectReason.choices], required=False
    )
    duplicate_code = forms.CharField(
        label=_("Code of the incident it duplicates"), max_length=30, required=False
    )
    files = MultipleFileField(label=_("Attachments"), required=False)


class ReassignForm(BootstrapMixin, forms.Form):
    """Hand the incident to another leader (and unit), with a reason."""

    leader = forms.ModelChoiceField(
        label=_("Leader"),
        queryset=Person.objects.none(),
        widget=RemoteSelect(url=LEADER_SEARCH, label="full_name", detail="position"),
    )
    handling_unit = forms.ModelChoiceField(
        label=_("Handling unit"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Leave empty to keep the current unit."),
        widget=RemoteSelect(url=AGENCY_SEARCH),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)
    version = VersionField()

    def __init__(self, *args, leaders, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["handling_unit"].queryset = agencies


class DirectiveForm(BootstrapMixin, forms.Form):
    """Issue a directive from the incident through the follow-up loop."""

    content = LongTextField(label=_("Directive"))
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=Agency.objects.none(), widget=RemoteSelect(url=AGENCY_SEARCH)
    )
    cooperating_units = forms.ModelMultipleChoiceField(
        label=_("Cooperating units"),
        queryset=Agency.objects.none(),
        required=False,
        widget=RemoteSelectMultiple(url=AGENCY_SEARCH),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), input_formats=DATE_INPUT_FORMATS)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = agencies
        self.fields["cooperating_units"].queryset = agencies


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        return upload
