"""Pages of accounts: sign in and out, password change, two-factor sign-in, API tokens, and the office's
administration of its organisation's logins."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors, services
from accounts.choices import Role
from accounts.forms import LoginForm, OtpForm, SetPasswordForm, TokenForm, UserForm
from core import audit
from core.errors import ConflictError
from core.forms import add_errors, form_version
from core.listing import SortOption, paginate, render_list, sort_queryset
from core.web import posted_version
from org.selectors import agency_list, committee_for, people_without_login


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


# --- the office's logins ----------------------------------------------------------------------------

USER_SORTS = [
    SortOption("name", gettext_lazy("Full name"), ("sort_key", "username", "id")),
    SortOption("username", gettext_lazy("Username"), ("username", "id")),
]


def _require_office(user) -> None:
    """Logins are the office's to administer; to anyone else these pages do not exist."""
    if not user.is_office:
        raise Http404


@require_safe
@login_required
def user_list(request):
    """The organisation's logins: role, unit, two-factor, last sign-in; searchable without diacritics."""
    user = request.user
    _require_office(user)
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    status = request.GET.get("status", "")
    active = {"active": True, "inactive": False}.get(status)
    qs = selectors.user_list(user=user, q=q, role=role if role in Role.values else None, active=active)
    qs, sort = sort_queryset(request, qs, USER_SORTS)
    organization = user.organization
    context = {
        "nav": "users",
        "q": q,
        "role": role,
        "roles": Role.choices,
        "status": status,
        "page": paginate(request, qs),
        "sort": sort,
        "office_two_factor": bool(organization and organization.require_two_factor_for_office),
    }
    return render_list(request, "accounts/user_list.html", "accounts/_user_rows.html", context)


@login_required
def user_edit(request, pk: int | None = None):
    """Create or edit a login (the office only); a stale form is refused with a clear message."""
    user = request.user
    _require_office(user)
    account = selectors.get_user_for_office(user=user, pk=pk) if pk is not None else None
    person = getattr(account, "person", None) if account else None
    initial = {"require_two_factor": False}
    if account is not None:
        initial = {
            "username": account.username,
            "full_name": account.get_full_name(),
            "email": account.email,
            "role": account.role,
            "agency": account.agency_id,
            "person": person.pk if person else None,
            "require_two_factor": account.require_two_factor,
            "version": account.version,
        }
    form = UserForm(
        request.POST or None,
        initial=initial,
        agencies=agency_list(user=user),
        people=people_without_login(user=user, keep=account.pk if account else None),
        creating=account is None,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "password1", "password2")}
        try:
            if account is None:
                account = services.user_create(
                    actor=user,
                    organization=committee_for(user),
                    password=form.cleaned_data["password1"] or None,
                    **data,
                )
            else:
                version = form_version(form)
                services.user_update(actor=user, user=account, version=version, **data)
        except ValidationError as exc:
            add_errors(
                form, exc, {"password": "password1", "last_name": "full_name", "first_name": "full_name"}
            )
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(account.get_absolute_url())
    events = audit.timeline(audit.history_for(account)[:15], everything=True) if account else []
    return render(
        request,
        "accounts/user_form.html",
        {"nav": "users", "form": form, "account": account, "person": person, "events": events},
    )


@login_required
def user_password(request, pk: int):
    """The office sets a login's password; Django's validators apply."""
    user = request.user
    _require_office(user)
    account = selectors.get_user_for_office(user=user, pk=pk)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password_by_office(
                actor=user, user=account, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            add_errors(form, exc, {"password": "password1"})
        else:
            if account.pk == user.pk:
                update_session_auth_hash(request, account)  # stay signed in after changing one's own
            messages.success(request, _("The password has been set."))
            return redirect(account.get_absolute_url())
    return render(request, "accounts/user_password.html", {"nav": "users", "form": form, "account": account})


@login_required
@require_POST
def user_deactivate(request, pk: int):
    """Stop a login from signing in; refused for one's own."""
    user = request.user
    _require_office(user)
    account = selectors.get_user_for_office(user=user, pk=pk)
    try:
        services.user_deactivate(actor=user, user=account, version=posted_version(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The account has been deactivated."))
    return redirect(account.get_absolute_url())


@login_required
@require_POST
def user_activate(request, pk: int):
    """Let a deactivated login sign in again."""
    user = request.user
    _require_office(user)
    account = selectors.get_user_for_office(user=user, pk=pk)
    try:
        services.user_activate(actor=user, user=account, version=posted_version(request))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The account has been activated."))
    return redirect(account.get_absolute_url())
