"""Forms of field visits: the plan, carrying out and cancelling, an opinion heard, a directive given.

The pickers search the org API as the user types (core.forms.RemoteSelect); their querysets are handed in,
scoped to the user."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.filters import DayField
from core.forms import LongTextField, RemoteSelect, RemoteSelectMultiple, VersionField, with_blank
from core.validators import LONG_TEXT, SUMMARY_TEXT
from fieldwork.choices import OpinionKind, SpeakerKind
from org.forms import AGENCY_SEARCH, LEADER_SEARCH, UNIT_SEARCH, BootstrapMixin, DateInput

PEOPLE_SEARCH = reverse_lazy("api:list_people")
# Day first whatever the interface language: "05/03/2026 09:30" is the 5th of March.
MOMENT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class MomentInput(forms.DateTimeInput):
    """A dd/mm/yyyy HH:MM text input."""

    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y %H:%M",
            attrs={"placeholder": "dd/mm/yyyy HH:MM", "class": "form-control", "autocomplete": "off"},
            **kwargs,
        )


def moment_field(label):
    return forms.DateTimeField(label=label, input_formats=MOMENT_FORMATS, widget=MomentInput())


class VisitForm(BootstrapMixin, forms.Form):
    leader = forms.ModelChoiceField(
        label=_("Leading leader"),
        queryset=None,
        widget=RemoteSelect(url=LEADER_SEARCH, label="full_name", detail="position"),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=500)
    starts_at = moment_field(_("Starts at"))
    ends_at = moment_field(_("Ends at"))
    localities = forms.ModelMultipleChoiceField(
        label=_("Localities visited"),
        queryset=None,
        required=False,
        widget=RemoteSelectMultiple(url=UNIT_SEARCH),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Units visited"),
        queryset=None,
        required=False,
        widget=RemoteSelectMultiple(url=AGENCY_SEARCH),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("People who went"),
        queryset=None,
        required=False,
        widget=RemoteSelectMultiple(url=PEOPLE_SEARCH, label="full_name", detail="position"),
    )
    other_participants = forms.CharField(label=_("Other people who went"), max_length=500, required=False)
    agenda = LongTextField(label=_("Agenda"), limit=LONG_TEXT, rows=4, required=False)
    version = VersionField()

    def __init__(self, *args, leaders, localities, agencies, people, leader_fixed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["localities"].queryset = localities
        self.fields["agencies"].queryset = agencies
        self.fields["participants"].queryset = people
        if leader_fixed:
            # A leader plans their own visits: the field is shown, not chosen.
            self.fields["leader"].disabled = True

    def clean(self):
        data = super().clean()
        if not data.get("localities") and not data.get("agencies") and not self.errors:
            self.add_error("localities", _("Name at least one locality or unit to be visited."))
        return data


class VisitReportForm(BootstrapMixin, forms.Form):
    """What was found and the results, corrected after the visit."""

    findings = LongTextField(label=_("What was found"), limit=SUMMARY_TEXT, rows=6)
    results = LongTextField(label=_("Results"), limit=SUMMARY_TEXT, rows=4, required=False)
    version = VersionField()


class CarryOutForm(VisitReportForm):
    pass


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=500)
    version = VersionField()


class OpinionForm(BootstrapMixin, forms.Form):
    speaker_kind = forms.ChoiceField(label=_("Speaker"), choices=with_blank(SpeakerKind.choices))
    speaker_name = forms.CharField(label=_("Speaker's name"), max_length=200, required=False)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=None, required=False)
    kind = forms.ChoiceField(label=_("Kind of opinion"), choices=with_blank(OpinionKind.choices))
    content = LongTextField(label=_("Content"), limit=LONG_TEXT, rows=3)
    locality = forms.ModelChoiceField(label=_("Locality"), queryset=None, required=False)

    def __init__(self, *args, topics, localities, **kwargs):
        kwargs.setdefault("auto_id", "id_opinion_%s")
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        self.fields["locality"].queryset = localities


class OpinionEditForm(OpinionForm):
    """An opinion corrected on a page of its own, against the version read."""

    version = VersionField()


class VisitDirectiveForm(BootstrapMixin, forms.Form):
    content = LongTextField(label=_("Directive"), limit=LONG_TEXT, rows=3)
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=None, widget=RemoteSelect(url=AGENCY_SEARCH)
    )
    deadline = DayField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, agencies, **kwargs):
        kwargs.setdefault("auto_id", "id_directive_%s")
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = agencies
