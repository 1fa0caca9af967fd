"""Reports from residents to the police, and what the police do with them (docs/reports.md).

Identity protection is structural: an anonymous report has no column that can point to an
account (`reporter` and `filed_by` stay empty, the audit log records no actor for its
submission); a confidential report keeps the link sealed (`sealed_links`, encrypted with the
identity keys, found again by keyed hashes of the accounts: `Report.set_links`, `reports_made_by`), so a
database dump does not join it to a person; reading who it is goes through
`reports.actions.access_identity`, which writes an audit event every time.
"""

import json
import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField
from core.hashing import keyed_hash, keyed_hashes
from reports.categories import BY_CODE, LOST_FOUND_KINDS, PUBLIC_KINDS, Kind
from reports.workflow import OPEN_STATUSES, Status

RECEIPT_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: easy to read out


def new_receipt_code() -> str:
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"CG-{chars[:4]}-{chars[4:]}"


class Visibility(models.TextChoices):
    NAMED = "named", _("By name")
    CONFIDENTIAL = "confidential", _("Confidential: only the police handling it know who I am")
    ANONYMOUS = "anonymous", _("Anonymous: nobody knows who I am")


class Outcome(models.TextChoices):
    """What the dispatched officer or patrol found, recorded from their phone."""

    HANDLED = "handled", _("Handled on the spot")
    NOTHING_FOUND = "nothing_found", _("Nothing found")
    NEEDS_POLICE = "needs_police", _("Needs the police to follow up")


class IntakeChannel(models.TextChoices):
    WEB = "web", _("Web")
    WALK_IN = "walk_in", _("In person at the police station")
    PHONE = "phone", _("By phone to the police")
    RELAY = "relay", _("Filed by a relative")
    OPEN311 = "open311", _("Open311")
    API = "api", _("API")
    ZALO = "zalo", _("Zalo chat")
    TELEGRAM = "telegram", _("Telegram chat")


def person_key(person_id: int) -> str:
    """The keyed hash under which a confidential report finds its reporter's (or filer's) account."""
    return keyed_hash(f"person:{person_id}")


def reports_made_by(person_id: int) -> Q:
    """Reports this account made: by name (a plain key) or confidentially (a keyed hash)."""
    return Q(reporter_id=person_id) | Q(reporter_key__in=keyed_hashes(f"person:{person_id}"))


def reports_filed_by(person_id: int) -> Q:
    """Reports this account filed: for a relative (sealed when confidential) or at the station."""
    return Q(filed_by_id=person_id) | Q(filer_key__in=keyed_hashes(f"person:{person_id}"))


class Report(models.Model):
    receipt_code = models.CharField(_("receipt code"), max_length=16, unique=True, default=new_receipt_code)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=40)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    visibility = models.CharField(_("who knows who reported"), max_length=20, choices=Visibility.choices)
    intake_channel = models.CharField(
        _("came in by"), max_length=20, choices=IntakeChannel.choices, default=IntakeChannel.WEB
    )
    source = models.CharField(_("source"), max_length=100, blank=True, help_text=_("e.g. the API key's name"))

    # Who: never set on an anonymous report, and on a confidential one only sealed (set_links).
    reporter = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports_made"
    )
    filed_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports_filed"
    )
    # Encrypted at rest (core/crypto.py): read only through reports.actions.access_identity.
    reporter_name = EncryptedTextField(_("reporter's name"), max_length=150, blank=True)
    reporter_phone = EncryptedTextField(_("reporter's phone"), max_length=20, blank=True)
    reporter_contact = EncryptedTextField(_("reporter's address or other contact"), max_length=300, blank=True)
    secret_hash = models.CharField(max_length=128, blank=True)
    # The chat account a report filed in a Zalo or Telegram conversation came from, so the
    # police's messages go back there (reports/actions/chat.py). Never set on an anonymous report.
    chat_identity = models.ForeignKey(
        "channels.ChannelIdentity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A confidential report's links (reporter, the relative who filed it, chat account) as JSON
    # encrypted with the identity keys, and keyed hashes of the reporter's and the relative's
    # accounts that find their reports without decrypting: docs/privacy.md, "What a database dump shows".
    sealed_links = EncryptedTextField(blank=True, default="", db_default="")
    reporter_key = models.CharField(max_length=80, blank=True, default="", db_default="", db_index=True)
    filer_key = models.CharField(max_length=80, blank=True, default="", db_default="", db_index=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    open311_token = models.CharField(max_length=40, null=True, blank=True, unique=True)

    # What, where, when.
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="reports", verbose_name=_("place"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    place_text = models.CharField(_("where exactly"), max_length=300, blank=True)
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    description = models.TextField(_("what happened"))
    behaviour = models.TextField(_("what the person did"), blank=True)
    search_text = models.TextField(editable=False, blank=True)
    # Links to images sent in a chat that could not be copied into photos (docs/channels.md).
    evidence_links = models.JSONField(_("evidence links"), default=list, blank=True)

    # Handling.
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_to = models.CharField(_("returned to"), max_length=200, blank=True)
    forward_due_at = models.DateTimeField(_("forward by"), null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    decision_due_at = models.DateTimeField(_("decision due"), null=True, blank=True, db_index=True)
    decision_extended_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_assigned",
        verbose_name=_("assigned officer"),
    )
    patrol = models.ForeignKey(
        "groups.CommunityGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_assigned",
        verbose_name=_("assigned patrol"),
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_reports"
    )

    # Dispatch: the officer or patrol sent, and each step they took from their phone
    # (reports/actions/dispatch.py). The first time of each step counts for response times.
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dispatch_acknowledged_at = models.DateTimeField(_("dispatch acknowledged at"), null=True, blank=True)
    dispatch_acknowledged_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    on_scene_at = models.DateTimeField(_("on scene at"), null=True, blank=True)
    on_scene_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    outcome_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_text = models.CharField(_("what was found and done"), max_length=1000, blank=True)

    # Triage of the resident's text at intake (reports/triage.py): shown to officers, read by alerts.
    triage_urgency = models.CharField(_("triage"), max_length=10, blank=True, db_index=True)
    triage_reasons = models.JSONField(_("triage reasons"), default=list, blank=True)
    triage_category = models.CharField(_("suggested category"), max_length=40, blank=True)

    # Lost & found: the counterpart an officer confirmed (docs/reports.md "Lost & found"), and the
    # member's group post this report was made from (bulletins.Post, a peer app: its id only).
    match = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    match_confirmed_at = models.DateTimeField(null=True, blank=True)
    match_confirmed_by = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group_post_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    # When the retention sweep removed its personal data and photos (reports/retention.py).
    personal_data_removed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["unit", "category", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="anonymous") | Q(reporter__isnull=True),
                name="anonymous_report_has_no_reporter",
            ),
            models.CheckConstraint(
                condition=~Q(visibility="anonymous") | Q(chat_identity__isnull=True),
                name="anonymous_report_has_no_chat_identity",
            ),
            models.CheckConstraint(
                condition=~Q(visibility="confidential")
                | (
                    Q(reporter__isnull=True, chat_identity__isnull=True)
                    & (~Q(intake_channel="relay") | Q(filed_by__isnull=True))
                ),
                name="confidential_report_has_no_plain_link",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_code

    def set_links(self, reporter_id: int | None, filed_by_id: int | None, chat_identity_id: int | None) -> None:
        """Point the report at who filed it: plain keys on a named report, sealed on a confidential
        one (the officer who took it at the station stays plain: it is their work, not who reported)."""
        if self.visibility != Visibility.CONFIDENTIAL:
            self.reporter_id, self.filed_by_id, self.chat_identity_id = reporter_id, filed_by_id, chat_identity_id
            self.sealed_links = self.reporter_key = self.filer_key = ""
            return
        relay = self.intake_channel == IntakeChannel.RELAY
        links = {"reporter": reporter_id, "filed_by": filed_by_id if relay else None, "chat_identity": chat_identity_id}
        self.reporter_id, self.chat_identity_id = None, None
        self.filed_by_id = None if relay else filed_by_id
        self.sealed_links = json.dumps({k: v for k, v in links.items() if v}) if any(links.values()) else ""
        self.reporter_key = person_key(reporter_id) if reporter_id else ""
        self.filer_key = person_key(filed_by_id) if relay and filed_by_id else ""

    def _sealed(self, link: str) -> int | None:
        return json.loads(self.sealed_links).get(link) if self.sealed_links else None

    @property
    def reporter_pk(self) -> int | None:
        """The reporter's account, plain or sealed (None when they filed without one)."""
        return self.reporter_id or self._sealed("reporter")

    @property
    def filer_pk(self) -> int | None:
        return self.filed_by_id or self._sealed("filed_by")

    @property
    def chat_identity_pk(self) -> int | None:
        return self.chat_identity_id or self._sealed("chat_identity")

    @property
    def category_name(self):
        category = BY_CODE.get(self.category)
        return category.name if category else self.category

    @property
    def is_urgent_triage(self) -> bool:
        return self.triage_urgency == "urgent"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_lost_found(self) -> bool:
        return self.kind in LOST_FOUND_KINDS

    @property
    def is_public_kind(self) -> bool:
        return self.kind in PUBLIC_KINDS

    @property
    def visibility_short(self):
        return {Visibility.CONFIDENTIAL: _("Confidential"), Visibility.ANONYMOUS: _("Anonymous")}.get(
            Visibility(self.visibility), ""
        )

    @property
    def is_anonymous(self) -> bool:
        return self.visibility == Visibility.ANONYMOUS

    def deadline_state(self, now=None) -> str:
        """ "overdue", "due_soon" (within 3 days), "ok" or "" (no deadline or not open)."""
        if not self.is_open:
            return ""
        now = now or timezone.now()
        dues = [d for d in (self.forward_due_at if not self.forwarded_at else None, self.decision_due_at) if d]
        if not dues:
            return ""
        first = min(dues)
        if first < now:
            return "overdue"
        if (first - now).days < 3:
            return "due_soon"
        return "ok"

    @property
    def next_due_at(self):
        dues = [d for d in (self.forward_due_at if not self.forwarded_at else None, self.decision_due_at) if d]
        return min(dues) if dues else None


def photo_path(_instance, _filename: str) -> str:
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class ReportPhoto(models.Model):
    """A photo, re-encoded as JPEG without EXIF; served only through a permission-checked view."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name or ""


class Side(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    POLICE = "police", _("Police")
    STEERING = "steering", _("Steering committee")
    MEMBER = "member", _("Group member")


class ChatStatus(models.TextChoices):
    """How a message to the reporter travelled back through the chat the report came from."""

    QUEUED = "queued", _("Sending by chat")
    SENT = "sent", _("Sent by chat")
    RETRYING = "retrying", _("Chat send failed, retrying")
    FAILED = "failed", _("Not sent by chat")
    OUTSIDE_WINDOW = "outside_window", _("Not sent by chat: no message from the reporter in the last 7 days")


class ReportMessage(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    side = models.CharField(max_length=20, choices=Side.choices)
    # Empty for an anonymous reporter's messages, so nothing links them to an account.
    author = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)
    # Set on messages to a reporter who filed in a chat: the reply through that chat (tasks.py).
    chat_status = models.CharField(max_length=20, choices=ChatStatus.choices, blank=True)
    chat_error = models.CharField(max_length=300, blank=True)
    chat_attempts = models.PositiveSmallIntegerField(default=0)
    # The delivery-engine notice of this message, kept in the reporter's inbox while the chat
    # answer is tried; released to their channels if the chat cannot take it. On a confidential
    # report its id is encrypted: the notice's delivery names the reporter (docs/privacy.md).
    held_notice = models.ForeignKey(
        "delivery.Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sealed_held_notice = EncryptedTextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} · {self.side}"

    def hold(self, notice_id: int) -> None:
        """Remember the notice of this message (sealed on a confidential report)."""
        sealed = self.report.visibility == Visibility.CONFIDENTIAL
        self.held_notice_id = None if sealed else notice_id
        self.sealed_held_notice = str(notice_id) if sealed else ""

    @property
    def held_notice_pk(self) -> int | None:
        return self.held_notice_id or (int(self.sealed_held_notice) if self.sealed_held_notice else None)


class ReportUpdate(models.Model):
    """One item of the "updates" feed the reporter sees on their report page (notifications.py)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    event = models.CharField(max_length=40)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report} · {self.event}"


class LostFoundShare(models.Model):
    """A lost or found post shared by the steering committee to every group of a commune."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="shares")
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "unit"], name="unique_share_per_unit")]

    def __str__(self) -> str:
        return f"{self.report} → {self.unit}"


class UrgentAlert(models.Model):
    """ "A suspect just entered hamlet X": shown at the top of every group page of the unit.

    The fan-out to each member's channels is the delivery engine's job (docs/reports.md)."""

    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="urgent_alerts")
    text = models.TextField(_("alert"))
    raised_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("shown until"))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.text[:40]}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None and self.expires_at > timezone.now()


class AlertTrust(models.Model):
    """A member an officer trusts to raise urgent alerts for a unit (e.g. a patrol leader)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="alert_trusts")
    unit = models.ForeignKey("places.Unit", on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "unit"], name="unique_alert_trust")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.unit}"


class Reminder(models.Model):
    """A deadline reminder to the assignee (or the unit's police when unassigned)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reminders")
    deadline = models.CharField(max_length=20)  # "forward" | "decision"
    due_at = models.DateTimeField()
    recipient = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "deadline", "due_at"], name="one_reminder_per_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.deadline} {self.due_at:%Y-%m-%d}"


def new_draft_key() -> str:
    return f"chat-{uuid.uuid4().hex}"


class Step(models.TextChoices):
    KIND = "kind", _("Kind")
    CATEGORY = "category", _("Category")
    DESCRIPTION = "description", _("Description")
    BEHAVIOUR = "behaviour", _("What the person did")
    LOCATION = "location", _("Location or photo")
    VISIBILITY = "visibility", _("Who knows who reported")
    CONFIRM = "confirm", _("Confirmation")
    FILED = "filed", _("Filed")


class ReportConversation(models.Model):
    """A resident filing a report in a Zalo or Telegram chat, one step at a time (docs/channels.md).

    One row per chat account, locked while a message is handled. After filing (by name or
    confidentially) it keeps pointing at the report for the follow-up window, so later messages
    reach the report's thread; an anonymous filing deletes the row.
    """

    identity = models.OneToOneField(
        "channels.ChannelIdentity", on_delete=models.CASCADE, related_name="report_conversation"
    )
    # Who was writing: an account linked to someone else since then does not continue their draft.
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=20, choices=Step.choices, default=Step.KIND)
    kind = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    behaviour = models.TextField(blank=True)
    place_text = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    image_urls = models.JSONField(default=list, blank=True)
    visibility = models.CharField(max_length=20, blank=True)
    # A random key, not derived from the account: it becomes the report's idempotency key.
    draft_key = models.CharField(max_length=40, default=new_draft_key)
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The confidential report being followed, its id encrypted: the row names the chat account, so a
    # plain key would be the link the report keeps sealed (docs/privacy.md).
    sealed_report = EncryptedTextField(blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("report conversation")
        verbose_name_plural = _("report conversations")

    def __str__(self) -> str:
        return f"{self.identity} · {self.step}"

    def follow(self, report: Report) -> None:
        """Point at the filed report whose thread takes the later messages (sealed if confidential)."""
        sealed = report.visibility == Visibility.CONFIDENTIAL
        self.report = None if sealed else report
        self.sealed_report = str(report.pk) if sealed else ""

    @property
    def followed_report_id(self) -> int | None:
        return self.report_id or (int(self.sealed_report) if self.sealed_report else None)

    @property
    def followed_report(self) -> Report | None:
        if self.report_id:
            return self.report
        if not self.sealed_report:
            return None
        return Report.objects.select_related("unit", "merged_into").filter(pk=int(self.sealed_report)).first()
