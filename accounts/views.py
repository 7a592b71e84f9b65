"""Pages of accounts: sign in and out, password change, two-factor sign-in, API tokens."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors, services
from accounts.forms import LoginForm, OtpForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        services.user_change_password(
            actor=self.request.user, user=form.user, password=form.cleaned_data["new_password1"]
        )
        # Keep this session signed in; the password change ends the user's other sessions.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


def _safe_next(request) -> str:
    """The page to go on to after two-factor sign-in: only a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def two_factor(request):
    """Set up an authenticator app (first time) or verify a code (every sign-in)."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = OtpForm(request.POST or None)
    if confirmed is not None:
        if request.method == "POST" and form.is_valid():
            if confirmed.verify_token(form.cleaned_data["otp"]):
                otp_login(request, confirmed)
                return redirect(_safe_next(request))
            form.add_error("otp", _("The code is wrong or has expired."))
        return render(request, "accounts/two_factor.html", {"form": form, "setup": False})
    device = services.totp_device_for_setup(user=user)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp"]):
            services.totp_device_confirm(actor=user, device=device)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect(_safe_next(request))
        form.add_error("otp", _("The code is wrong or has expired."))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "setup": True, "qr": _qr_svg(device.config_url), "secret": secret},
    )


@login_required
def tokens(request):
    """The user's API tokens: create one (shown once) and revoke."""
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = services.token_create(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        )
        messages.success(request, _("Copy the token now: it will not be shown again."))
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "raw": raw, "tokens": selectors.token_list(user=request.user)[:100]},
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.get_token_for_user(user=request.user, pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:tokens")
