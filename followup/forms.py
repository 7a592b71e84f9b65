"""Forms of the follow-up loop; they only parse input (dates day first), the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import LongTextField, RemoteSelectMultiple, VersionField, with_blank
from core.validators import SUMMARY_TEXT, not_in_future
from followup.choices import (
    FOLLOW_UP_VERDICTS,
    CheckMethod,
    ObstacleCategory,
    RaisedIn,
    ResolutionLevel,
    Verdict,
)
from followup.models import ConclusionNotice
from followup.services import follow_up_required_message
from org.forms import AGENCY_SEARCH, DATE_INPUT_FORMATS, BootstrapMixin, DateInput
from org.models import AdministrativeUnit, Agency, Person


def date_field(label, **kwargs) -> forms.DateField:
    """A dd/mm/yyyy date, read day first whatever the interface language."""
    return forms.DateField(label=label, widget=DateInput(), input_formats=DATE_INPUT_FORMATS, **kwargs)


def past_date_field(label, **kwargs) -> forms.DateField:
    """The day something happened: today at the latest (core.validators.not_in_future, as in the services)."""
    return date_field(label, validators=[not_in_future], **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the view passes request.FILES.getlist() on to the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class RadioMixin:
    """Radio buttons get Tabler's check style (BootstrapMixin would give them form-control)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"


# --- obstacles ------------------------------------------------------------------------------------


class ObstacleForm(BootstrapMixin, forms.Form):
    """Raise or correct an obstacle: what, where, who raised it, and who can resolve it."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = LongTextField(label=_("Description"), rows=4)
    # No default: a category or a level picked by accident would skew every summary.
    category = forms.ChoiceField(label=_("Category"), choices=with_blank(ObstacleCategory.choices))
    locality = forms.ModelChoiceField(
        label=_("Locality"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(label=_("Unit concerned"), queryset=Agency.objects.none(), required=False)
    raised_by = forms.ModelChoiceField(label=_("Raised by"), queryset=Person.objects.none(), required=False)
    raised_in = forms.ChoiceField(label=_("Raised in"), choices=RaisedIn.choices, initial=RaisedIn.REPORT)
    raised_on = past_date_field(_("Raised on"))
    resolution_level = forms.ChoiceField(
        label=_("Level that can resolve it"), choices=with_blank(ResolutionLevel.choices)
    )
    responsible_agency = forms.ModelChoiceField(
        label=_("Agency that must resolve it"), queryset=Agency.objects.none(), required=False
    )
    deadline = date_field(_("Deadline"), required=False)
    version = VersionField()

    def __init__(self, *args, localities, subjects, agencies, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = localities
        self.fields["agency"].queryset = subjects
        self.fields["responsible_agency"].queryset = agencies
        self.fields["raised_by"].queryset = people

    def clean(self):
        data = super().clean()
        if not data.get("locality") and not data.get("agency") and not self.errors:
            raise forms.ValidationError(_("Choose the locality or the unit the obstacle concerns."))
        return data


class EscalateForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class AssignForm(BootstrapMixin, forms.Form):
    """The Committee (or the office) assigns the obstacle; optionally a directive is issued with it."""

    responsible_agency = forms.ModelChoiceField(
        label=_("Agency that must resolve it"), queryset=Agency.objects.none()
    )
    deadline = date_field(_("Deadline"))
    committee_decision = LongTextField(label=_("Standing Committee decision"), required=False)
    directive_content = LongTextField(
        label=_("Directive"),
        required=False,
        help_text=_("Fill in to issue a directive to the agency at the same time."),
    )
    issued_by = forms.ModelChoiceField(
        label=_("Issued by (leader)"), queryset=Person.objects.none(), required=False
    )
    cooperating_units = forms.ModelMultipleChoiceField(
        label=_("Cooperating units"),
        queryset=Agency.objects.none(),
        required=False,
        widget=RemoteSelectMultiple(url=AGENCY_SEARCH),
    )

    def __init__(self, *args, agencies, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_agency"].queryset = agencies
        self.fields["cooperating_units"].queryset = agencies
        self.fields["issued_by"].queryset = leaders


class ResolvingForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ResolveForm(BootstrapMixin, forms.Form):
    resolution = LongTextField(label=_("How it was resolved"))


class VerifyForm(BootstrapMixin, forms.Form):
    verification = LongTextField(label=_("Verification"), required=False)


class CloseForm(BootstrapMixin, forms.Form):
    closed_reason = forms.CharField(label=_("Reason for closing"), max_length=500)


# --- directives -----------------------------------------------------------------------------------


class DirectiveForm(BootstrapMixin, forms.Form):
    """Issue or correct a directive: content, lead and cooperating units, deadline."""

    content = LongTextField(label=_("Content"), rows=4)
    number = forms.CharField(label=_("Reference"), max_length=60, required=False)
    notice = forms.ModelChoiceField(
        label=_("Conclusion notice"),
        queryset=ConclusionNotice.objects.none(),
        required=False,
        help_text=_("Leave empty for a directive that comes from no notice."),
    )
    issued_by = forms.ModelChoiceField(label=_("Issued by (leader)"), queryset=Person.objects.none())
    issued_on = past_date_field(_("Issued on"))
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Agency.objects.none())
    cooperating_units = forms.ModelMultipleChoiceField(
        label=_("Cooperating units"),
        queryset=Agency.objects.none(),
        required=False,
        widget=RemoteSelectMultiple(url=AGENCY_SEARCH),
    )
    locality = forms.ModelChoiceField(
        label=_("Locality"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    deadline = date_field(_("Deadline"))
    version = VersionField()

    def __init__(self, *args, agencies, localities, leaders=None, notices=None, with_source=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = agencies
        self.fields["cooperating_units"].queryset = agencies
        self.fields["locality"].queryset = localities
        if leaders is None:  # a leader issues in their own name
            del self.fields["issued_by"]
        else:
            self.fields["issued_by"].queryset = leaders
        if with_source:
            self.fields["notice"].queryset = notices
        else:  # the source of a directive is fixed when it is issued
            del self.fields["notice"]


class ProgressReportForm(BootstrapMixin, forms.Form):
    """The lead unit reports progress, with evidence files; it may claim completion."""

    text = LongTextField(label=_("Progress"))
    claims_done = forms.BooleanField(
        label=_("Completed"), required=False, help_text=_("The directive has been carried out in full.")
    )
    files = MultipleFileField(
        label=_("Evidence files"), required=False, help_text=_("PDF, JPEG, PNG, DOCX or XLSX.")
    )
    version = VersionField()


# --- re-supervision -------------------------------------------------------------------------------


class ReSupervisionRecordForm(RadioMixin, BootstrapMixin, forms.Form):
    """The verdict of a check, with its evidence; short of implemented, a follow-up directive is issued."""

    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(
        label=_("How it was checked"),
        choices=CheckMethod.choices,
        widget=forms.RadioSelect,
        initial=CheckMethod.ON_SITE,
    )
    checked_on = past_date_field(_("Checked on"))
    place = forms.CharField(label=_("Where"), max_length=300, required=False)
    evidence = LongTextField(label=_("Evidence"), rows=4)
    # Required when the verdict falls short of implemented (the leader writes what is still to be done).
    follow_up_content = LongTextField(
        label=_("Follow-up directive"),
        rows=4,
        required=False,
        help_text=_("What the unit must still do; the earlier directive is shown for reference."),
    )
    follow_up_deadline = date_field(_("Follow-up deadline"), required=False)

    def clean(self):
        data = super().clean()
        written = (data.get("follow_up_content") or "").strip()
        needed = data.get("verdict") in FOLLOW_UP_VERDICTS and "follow_up_content" not in self.errors
        if needed and not written:
            self.add_error("follow_up_content", follow_up_required_message())
        return data


class RecheckForm(BootstrapMixin, forms.Form):
    due_on = date_field(_("New check due on"))


# --- conclusion notices ---------------------------------------------------------------------------


class NoticeForm(BootstrapMixin, forms.Form):
    number = forms.CharField(
        label=_("Number and symbol"), max_length=60, help_text=_("For example 123-TB/TU.")
    )
    issued_on = past_date_field(_("Issued on"))
    title = forms.CharField(label=_("Title"), max_length=500)
    summary = LongTextField(label=_("Summary"), limit=SUMMARY_TEXT, rows=4, required=False)


class NoticeImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
