"""Users, their role and organisation, and revocable API tokens stored hashed."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import ADMIN_ROLES, READ_ONLY_ROLES, SEE_ALL_ROLES, Role
from core.text import fold, sort_key


class User(AbstractUser):
    """A login of one Party organisation, with one role; a focal point also has a unit."""

    organization = models.ForeignKey(
        "org.PartyCommittee",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("unit (for a focal point)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="focal_users",
    )
    require_two_factor = models.BooleanField(_("two-factor sign-in required"), default=False)
    # Optimistic locking of the office's edits, as on every CoreModel (see docs/decisions/0003-audit.md).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_text = models.CharField(max_length=400, db_index=True, editable=False, default="")
    sort_key = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:user_edit", args=[self.pk])

    def refresh_derived(self):
        """Folded search text ("thinh" finds "Thịnh") and a Vietnamese sort key of the name."""
        self.search_text = fold(f"{self.username} {self.last_name} {self.first_name}")
        self.sort_key = sort_key(self.get_full_name() or self.username)

    def get_full_name(self) -> str:
        """Vietnamese order: family and middle names, then the given name."""
        return " ".join(part for part in (self.last_name, self.first_name) if part).strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def sees_all(self) -> bool:
        return self.role in SEE_ALL_ROLES

    @property
    def sees_confidential(self) -> bool:
        """The Standing Board sees every confidential record ("Mật") of its organisation; anyone else only
        those that name them as a reader (docs/confidential.md)."""
        return self.role == Role.STANDING_BOARD

    @property
    def is_read_only(self) -> bool:
        return self.role in READ_ONLY_ROLES or not self.role

    @property
    def is_office(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_focal_point(self) -> bool:
        return self.role == Role.FOCAL_POINT


def hash_token(raw: str) -> str:
    """API tokens are stored as SHA-256 digests; the raw token is shown once."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token for the API: hashed at rest, revocable, with an expiry."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, default="API")
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def organization_id(self):
        return self.user.organization_id

    @staticmethod
    def generate() -> str:
        return "coso_" + secrets.token_urlsafe(32)
