from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from horgos.choices import ApiTokenKind, Role, audit_action_choices


class HorgosUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a border officer, a merchant's staff member or an administrator.

    The role decides what the person may do (see `horgos.roles`). Officers are tied to one
    checkpoint and merchant users to one merchant by their own apps, which own those relations.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    objects = HorgosUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
            # Django's admin site is for administrators only.
            models.CheckConstraint(
                condition=models.Q(is_staff=False) | models.Q(role=Role.ADMINISTRATOR),
                name="user_staff_only_administrators",
                violation_error_message=_("Only administrators may use the administration site (staff status)."),
            ),
        ]

    def save(self, *args, **kwargs):
        # A new password (set_password, by any path: the password page, the admin site, `changepassword`) ends the
        # account's personal API tokens, so that a token taken along with the old password stops working too.
        password_changed = self.pk is not None and self._password is not None
        super().save(*args, **kwargs)
        if password_changed:
            from horgos.services import api_tokens_revoke_on_password_change

            api_tokens_revoke_on_password_change(user=self)

    def has_perm(self, perm, obj=None) -> bool:
        # Administrators may do everything, in the admin site too, without per-model grants.
        return (self.is_active and self.role == Role.ADMINISTRATOR) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return (self.is_active and self.role == Role.ADMINISTRATOR) or super().has_module_perms(app_label)

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_merchant(self) -> bool:
        return self.role == Role.MERCHANT

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR


class AuditEntry(models.Model):
    """One thing someone did, written in the same transaction as the change it records.

    Rows are append-only: a database trigger refuses UPDATE and DELETE (migration 0002).
    """

    occurred_at = models.DateTimeField(_("occurred at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the system itself (nightly tasks, imports)."),
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100, choices=audit_action_choices, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100)
    target_id = models.CharField(_("target id"), max_length=64)
    target_repr = models.CharField(_("target"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_(
            "Why, in the words of who did it: required where an action takes something away (a lane's "
            "closing, a closure's removal, a suspension, a rejection)."
        ),
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action} {self.target_repr}"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for one endpoint, with the first response to replay.

    The unique constraint on (user, endpoint, key) makes two simultaneous requests with the same
    key race in the database, where exactly one wins. A row without a response is a claim: its request
    is running, or died and left it to be taken over (see `horgos.api.idempotency`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=255)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    # When the request that holds the key claimed it (a retry that takes an abandoned claim over sets it
    # anew): the claim timeout and the replay window run from it, and it tells that request's claim apart.
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "endpoint", "key"], name="idempotency_key_unique_per_user_endpoint")
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"

    @property
    def is_complete(self) -> bool:
        return self.response_status is not None


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, *, at=None):
        """Tokens that authenticate now: not revoked and not expired."""
        from django.utils import timezone

        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at)
        )


class ApiToken(models.Model):
    """A credential for the REST API, sent as `Authorization: Token <secret>`.

    Only a SHA-256 digest of the secret is stored, with the secret's first characters (`prefix`) to find the row
    and to tell tokens apart in lists; the secret itself is shown once, when the token is issued
    (`horgos.tokens`). A token stops working when it expires or is revoked (a new personal token, a password
    change, the account's deactivation, an administrator's revocation); rows stay, for the audit trail.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ApiTokenKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ApiTokenKind.values), name="api_token_kind_valid"),
            # One personal token per person at a time: issuing a new one revokes the old, and two racing issues
            # cannot both leave theirs standing.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(kind=ApiTokenKind.PERSONAL, revoked_at__isnull=True),
                name="api_token_one_personal_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=ApiTokenKind.PERSONAL) | ~models.Q(name=""),
                name="api_token_machine_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.get_kind_display()} ({self.prefix}…)"
