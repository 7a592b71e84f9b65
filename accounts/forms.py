"""Forms of accounts."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from core.forms import VersionField
from org.forms import BootstrapMixin
from org.models import Agency, Person


class LoginForm(AuthenticationForm):
    """Username and password, with Vietnamese labels and browser hints."""

    username = forms.CharField(
        label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    """A six-digit code from the authenticator app."""

    otp = forms.RegexField(
        label=_("One-time code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the 6 digits shown in the authenticator app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, initial="API")


class UserForm(BootstrapMixin, forms.Form):
    """A login of the organisation, as the office creates or edits it."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=300)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    agency = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Required for a unit focal point; leave it empty for any other role."),
    )
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("The person of the organisation this login belongs to, such as a leader."),
    )
    require_two_factor = forms.BooleanField(
        label=_("Two-factor sign-in"),
        required=False,
        help_text=_("Ask for a code from an authenticator app at every sign-in."),
    )
    password1 = forms.CharField(
        label=_("Initial password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty and the user cannot sign in until the office sets a password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    version = VersionField()

    def __init__(self, *args, agencies, people, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["person"].queryset = people
        if not creating:  # an existing login's password is set on its own page
            del self.fields["password1"], self.fields["password2"]

    def clean(self):
        data = super().clean()
        if "password1" in self.fields and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class SetPasswordForm(BootstrapMixin, forms.Form):
    """The office sets a new password for a login."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
