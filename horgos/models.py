from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from horgos.choices import Role, audit_action_choices


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
