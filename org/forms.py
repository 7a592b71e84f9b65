"""Forms of the organisation; they only parse input, the services decide."""

from django import forms
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import VersionField
from org.choices import AgencyKind, AssignmentRole
from org.models import AdministrativeUnit, Agency, Body, Field, Person

# The org API's scoped lists, searched without diacritics as the user types (core.forms.RemoteSelect).
AGENCY_SEARCH = reverse_lazy("api:list_agencies")
UNIT_SEARCH = reverse_lazy("api:list_units")
LEADER_SEARCH = format_lazy("{}?leaders_only=true", reverse_lazy("api:list_people"))


class DateInput(forms.DateInput):
    """A dd/mm/yyyy text input: the human format, whatever the browser's locale."""

    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "class": "form-control"},
            **kwargs,
        )


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)


class AssignmentForm(BootstrapMixin, forms.Form):
    """Assign a leader to a locality, a unit or a field, with dates in dd/mm/yyyy."""

    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none())
    locality = forms.ModelChoiceField(
        label=_("Locality"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(label=_("Agency or unit"), queryset=Agency.objects.none(), required=False)
    field = forms.ModelChoiceField(label=_("Field"), queryset=Field.objects.none(), required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=AssignmentRole.choices, initial=AssignmentRole.IN_CHARGE
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(
        label=_("Valid to"), widget=DateInput(), required=False, help_text=_("Leave empty while it lasts.")
    )
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    version = VersionField()

    def __init__(self, *args, leaders, localities, agencies, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["locality"].queryset = localities
        self.fields["agency"].queryset = agencies
        self.fields["field"].queryset = fields

    def clean(self):
        data = super().clean()
        targets = [data.get("locality"), data.get("agency"), data.get("field")]
        if sum(1 for t in targets if t) != 1:
            raise forms.ValidationError(_("Choose exactly one of a locality, a unit or a field."))
        if data.get("valid_to") and data.get("valid_from") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("The end date is before the start date."))
        return data


class AgencyForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=AgencyKind.choices)
    parent = forms.ModelChoiceField(label=_("Parent unit"), queryset=Agency.objects.none(), required=False)
    locality = forms.ModelChoiceField(
        label=_("Administrative unit"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    version = VersionField()

    def __init__(self, *args, agencies, localities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = agencies
        self.fields["locality"].queryset = localities


# Day first, whatever the interface language (English would otherwise read 05/03 as 3 May).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class PersonForm(BootstrapMixin, forms.Form):
    """A person of the organisation: a leader, a cadre or a focal point."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=255, required=False)
    agency = forms.ModelChoiceField(label=_("Works at"), queryset=Agency.objects.none(), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    version = VersionField()

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class MembershipForm(BootstrapMixin, forms.Form):
    """Seat a person on a body: the position held, the order in the list, and from when."""

    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    position = forms.CharField(
        label=_("Position on the body"),
        max_length=200,
        required=False,
        help_text=_("For example Secretary, Deputy Secretary or member."),
    )
    order = forms.IntegerField(
        label=_("Order"),
        min_value=1,
        max_value=32767,
        initial=100,
        help_text=_("Members are listed by this number, smallest first."),
    )
    valid_from = forms.DateField(label=_("From"), widget=DateInput(), input_formats=DATE_INPUT_FORMATS)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies


class MembershipEndForm(BootstrapMixin, forms.Form):
    """End a seat on a body: the last day (inclusive)."""

    valid_to = forms.DateField(label=_("Last day"), widget=DateInput(), input_formats=DATE_INPUT_FORMATS)
    version = VersionField()
