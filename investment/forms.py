"""Forms of the investment pages: a supervision session, and what a session raises (an obstacle, a
directive). The pickers are handed in, already scoped to the user and the group."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import DayField
from core.forms import LongTextField, with_blank
from core.validators import LONG_TEXT, SUMMARY_TEXT, not_in_future
from followup.choices import ObstacleCategory, ResolutionLevel

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")


class SessionForm(forms.Form):
    held_on = DayField(label=_("Held on"), widget=DATE_WIDGET, validators=[not_in_future])
    title = forms.CharField(label=_("Title"), max_length=300)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects visited"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    findings = LongTextField(label=_("Findings"), limit=SUMMARY_TEXT, rows=5, required=False)

    def __init__(self, *args, projects, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects
        self.fields["participants"].queryset = participants
        self.fields["projects"].label_from_instance = lambda p: f"{p.code} – {p.name}"
        self.fields["participants"].label_from_instance = lambda p: p.full_name


class SessionObstacleForm(forms.Form):
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


class SessionDirectiveForm(forms.Form):
    content = LongTextField(label=_("Directive"), limit=LONG_TEXT, rows=3)
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None)
    deadline = DayField(label=_("Deadline"), widget=DATE_WIDGET)
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)

    def __init__(self, *args, projects, agencies, **kwargs):
        kwargs.setdefault("auto_id", "id_directive_%s")
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = agencies
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.code} – {p.name}"
