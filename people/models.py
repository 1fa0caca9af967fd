"""People: everyone the system knows, their households, and the officers' mandates.

A `Person` is both a resident record and (when they have a phone) a sign-in account: an
elderly member without a smartphone is a Person without a phone, reached through a relay.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.text import fold
from people.phones import display_phone, normalize_phone
from places.models import Tier


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def create_user(self, phone: str, full_name: str = "", password: str | None = None, **extra) -> "Person":
        person = self.model(phone=normalize_phone(phone), full_name=full_name, **extra)
        person.set_password(password) if password else person.set_unusable_password()
        person.save(using=self._db)
        return person

    def create_superuser(self, phone: str, full_name: str = "", password: str | None = None, **extra) -> "Person":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(phone, full_name, password, **extra)


class Household(models.Model):
    residential_group = models.ForeignKey(
        "places.Unit",
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("residential group"),
        limit_choices_to={"tier": Tier.RESIDENTIAL_GROUP},
    )
    address = models.CharField(_("address"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["residential_group", "address"]

    def __str__(self) -> str:
        return self.address


class Person(AbstractBaseUser, PermissionsMixin):
    phone = models.CharField(
        _("phone number"), max_length=20, unique=True, null=True, blank=True, help_text=_("Stored as +84…")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("household")
    )
    has_smartphone = models.BooleanField(
        _("has a smartphone"),
        default=True,
        help_text=_("Members without a smartphone are reached through their relay."),
    )
    relay = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relayed_for",
        verbose_name=_("relay"),
        help_text=_("A family member who reads messages out to this person."),
    )
    language = models.CharField(
        _("language"), max_length=5, default="vi", choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )
    large_text = models.BooleanField(
        _("large text"),
        default=False,
        db_default=False,  # rows written in bulk (bench, imports) need not name it
        help_text=_("Larger letters and stronger contrast on every page, kept from one sign-in to the next."),
    )
    is_staff = models.BooleanField(_("back-office staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    search_name = models.CharField(max_length=150, editable=False, db_index=True)
    # Raised to end every session of the person at once (an admin's action, a revoked mandate):
    # it is part of the session's auth hash, so older sessions no longer match (docs/security.md).
    session_generation = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    objects = PersonManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(relay=models.F("pk")), name="person_not_own_relay"),
        ]

    def _get_session_auth_hash(self, secret=None):
        if not self.session_generation:  # never ended: Django's own hash, so no session is lost on upgrade
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]  # not in django-stubs
        key_salt = "people.Person.get_session_auth_hash"
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def __str__(self) -> str:
        return self.full_name or self.display_phone

    def save(self, *args, **kwargs):
        if self.phone:
            self.phone = normalize_phone(self.phone)
        else:
            self.phone = None
        self.search_name = fold(self.full_name)
        super().save(*args, **kwargs)

    @property
    def display_phone(self) -> str:
        return display_phone(self.phone) if self.phone else ""

    @property
    def can_sign_in(self) -> bool:
        return bool(self.phone) and self.is_active

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else ""


class MandateRole(models.TextChoices):
    POLICE = "police", _("Police officer")
    STEERING = "steering", _("Steering committee member")


class Mandate(models.Model):
    """An officer's authority over a unit and everything under it.

    A commune police officer holds a police mandate on the commune; a provincial officer on the
    province. Scoping of every page and API call starts here (people/permissions.py).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mandates")
    role = models.CharField(_("role"), max_length=20, choices=MandateRole.choices)
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="mandates", verbose_name=_("unit"))
    title = models.CharField(_("title"), max_length=150, blank=True, help_text=_("e.g. Trưởng Công an xã"))
    granted_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [models.UniqueConstraint(fields=["person", "role", "unit"], name="unique_mandate")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.unit}"


class SigninCode(models.Model):
    """A one-time sign-in code sent to a phone. Only its keyed hash is stored."""

    phone = models.CharField(max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    requested_ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    # The client's /24 (IPv4) or /64 (IPv6): one budget per neighbourhood of addresses.
    requested_network = models.CharField(max_length=50, blank=True, db_index=True)
    # Sent to the phone of an active account: such codes do not count against a network's budget.
    for_member = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.phone} @ {self.created_at:%Y-%m-%d %H:%M}"


# The privacy notice people agree to (templates/people/privacy_notice_*.html). Bump the version
# when its text changes: everyone is then asked again at their next sign-in (docs/privacy.md).
NOTICE_VERSION = "2026-01"


class ConsentMethod(models.TextChoices):
    ONLINE = "online", _("Ticked the box when signing in")
    PAPER = "paper", _("Signed the paper form at enrollment")
    SPOKEN = "spoken", _("Agreed out loud after the notice was read to them")
    RELAY = "relay", _("Agreed through their relay, who read the notice to them")


class Consent(models.Model):
    """A person's agreement to the privacy notice: which version, how, recorded by whom (the person
    online, the leader or officer who enrolled them door to door, or their relay). Withdrawn
    consents are kept, with when and by whom, as the proof the law asks for."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    notice_version = models.CharField(_("notice version"), max_length=20)
    method = models.CharField(_("how they agreed"), max_length=20, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.notice_version} · {self.method}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and self.notice_version == NOTICE_VERSION
