"""Forms of the calendar pages: an entry, and the organisation's targets. Pickers are handed in, scoped; the
locality and the unit are searched on the org API as the user types (core.forms.RemoteSelect), as on a
visit's form."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import LongTextField, RemoteSelect, VersionField, with_blank
from core.validators import LONG_TEXT
from fieldwork.choices import EntryKind
from fieldwork.forms.visits import moment_field
from org.forms import AGENCY_SEARCH, UNIT_SEARCH, BootstrapMixin


class EntryForm(BootstrapMixin, forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=with_blank(EntryKind.choices))
    title = forms.CharField(label=_("Title"), max_length=300)
    # Day first, as the visit form: a browser's own date-time field follows its language (mm/dd in English).
    starts_at = moment_field(_("Starts at"))
    ends_at = moment_field(_("Ends at"))
    all_day = forms.BooleanField(
        label=_("All day"),
        required=False,
        help_text=_("Whole days, from the start's day to the end's day."),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    locality = forms.ModelChoiceField(
        label=_("Locality"), queryset=None, required=False, widget=RemoteSelect(url=UNIT_SEARCH)
    )
    agency = forms.ModelChoiceField(
        label=_("Unit"), queryset=None, required=False, widget=RemoteSelect(url=AGENCY_SEARCH)
    )
    chaired = forms.BooleanField(label=_("Chaired by the leader"), required=False)
    recurrence = forms.CharField(
        label=_("Recurrence rule"),
        max_length=500,
        required=False,
        help_text=_("RFC 5545, e.g. FREQ=WEEKLY;BYDAY=MO;COUNT=10. It must end (COUNT or UNTIL)."),
    )
    note = LongTextField(label=_("Note"), limit=LONG_TEXT, rows=3, required=False)
    version = VersionField()

    def __init__(self, *args, leaders, localities, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["locality"].queryset = localities
        self.fields["agency"].queryset = agencies
        self.fields["leader"].label_from_instance = lambda p: p.full_name
        for name in ("starts_at", "ends_at"):
            value = self.initial.get(name)
            if isinstance(value, dt.datetime):
                self.initial[name] = timezone.localtime(value).replace(tzinfo=None)


class PolicyForm(BootstrapMixin, forms.Form):
    share_target_numerator = forms.IntegerField(
        label=_("Field-time target (numerator)"), min_value=1, max_value=100
    )
    share_target_denominator = forms.IntegerField(
        label=_("Field-time target (denominator)"), min_value=1, max_value=100
    )
    meeting_reduction_percent = forms.IntegerField(
        label=_("Meeting reduction target (%)"), min_value=0, max_value=100
    )
    version = VersionField()
