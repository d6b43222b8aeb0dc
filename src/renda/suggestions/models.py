"""Deputies' motions and suggestions (代表议案建议): submission, co-signing, review, assignment to
handling units, replies, the deputy's rating, re-handling, supervision and the deadlines of each
step. The figures the metrics need are kept on ``Suggestion`` (denormalised by the services) so a
year's metrics are one aggregate query."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renda.core.models import Congress
from renda.org.models import HandlingUnit, Person, Term

if TYPE_CHECKING:
    from renda.suggestions.due import DueState


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("suggestion")
    MOTION = "motion", _("motion")


class Period(models.TextChoices):
    SESSION = "session", _("during a session")
    INTERVAL = "interval", _("between sessions")


class Field(models.TextChoices):
    ECONOMY = "economy", _("economic development")
    URBAN = "urban", _("urban and rural construction")
    TRANSPORT = "transport", _("transport")
    AGRICULTURE = "agriculture", _("agriculture and rural affairs")
    EDUCATION = "education", _("education, science and culture")
    HEALTH = "health", _("health")
    SOCIAL = "social", _("social security")
    ENVIRONMENT = "environment", _("ecology and environment")
    LAW = "law", _("law and public security")
    OTHER = "other", _("other")


class Status(models.TextChoices):
    PENDING = "pending", _("awaiting confirmation")
    SUBMITTED = "submitted", _("awaiting review")
    REVIEWED = "reviewed", _("awaiting assignment")
    MERGED = "merged", _("merged")
    ASSIGNED = "assigned", _("being handled")
    REPLIED = "replied", _("awaiting rating")
    REHANDLING = "rehandling", _("being re-handled")
    CLOSED = "closed", pgettext_lazy("suggestion status", "closed")


OPEN_STATUSES = (Status.ASSIGNED, Status.REHANDLING)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class Suggestion(models.Model):
    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("term"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SUGGESTION)
    # Kind as submitted: a motion turned into a suggestion keeps "motion" here.
    submitted_kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUGGESTION)
    period = models.CharField(_("period"), max_length=20, choices=Period.choices, default=Period.SESSION)
    session_number = models.PositiveSmallIntegerField(_("session"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    field = models.CharField(_("field"), max_length=20, choices=Field.choices, default=Field.OTHER)
    submitter = models.ForeignKey(
        Person, verbose_name=_("lead deputy"), on_delete=models.PROTECT, related_name="suggestions"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_behalf = models.BooleanField(_("entered by staff"), default=False)
    confirmed_at = models.DateTimeField(
        null=True, blank=True
    )  # the deputy's confirmation (staff-entered ones)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    review_reason = models.TextField(_("review reason"), blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_ones"
    )
    is_hard = models.BooleanField(_("broad or hard matter"), default=False)
    is_public = models.BooleanField(_("public"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Denormalised by the services for the metrics (one aggregate query per page).
    lead_unit = models.ForeignKey(
        HandlingUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    first_replied_on = models.DateField(null=True, blank=True)
    replied_on_time = models.BooleanField(null=True, blank=True)
    days_to_reply = models.PositiveIntegerField(null=True, blank=True)
    contacted = models.BooleanField(default=False)
    category = models.CharField(_("reply class"), max_length=2, blank=True)
    rating = models.CharField(_("rating"), max_length=30, choices=Rating.choices, blank=True)
    rehandled = models.BooleanField(default=False)
    closed_on = models.DateField(null=True, blank=True)
    key_supervised = models.BooleanField(_("key supervision"), default=False)
    supervisor = models.CharField(_("supervising leader or committee"), max_length=100, blank=True)
    import_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-year", "-number", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "kind", "number"],
                condition=Q(number__isnull=False),
                name="suggestion_unique_number",
            ),
            models.UniqueConstraint(
                fields=["congress", "import_key"],
                condition=~Q(import_key=""),
                name="suggestion_unique_import_key",
            ),
        ]
        indexes = [
            models.Index(fields=["congress", "year", "status"], name="suggestion_year_idx"),
            models.Index(fields=["lead_unit", "year"], name="suggestion_unit_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def due_state(self) -> DueState:
        """The reply deadline as a row shows it (days left while open; on time or late once met)."""
        from renda.suggestions.due import suggestion_state

        return suggestion_state(self)

    @property
    def code(self) -> str:
        """第2026-12号 style label; empty until submitted."""
        if self.number is None:
            return ""
        return f"{self.year}-{self.number:03d}"


class SignerStatus(models.TextChoices):
    PENDING = "pending", _("awaiting confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    DECLINED = "declined", _("declined")


class CoSigner(models.Model):
    """联名代表: a deputy invited to sign jointly, who confirms on their own device."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosigners")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=SignerStatus.choices, default=SignerStatus.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suggestion", "person"], name="cosigner_unique")]

    def __str__(self) -> str:
        return f"{self.suggestion_id} · {self.person_id}"


class UnitRole(models.TextChoices):
    LEAD = "lead", _("lead unit")
    CO_HANDLER = "co_handler", _("co-handling unit")


class Assignment(models.Model):
    """交办: a suggestion given to one unit as lead or co-handler."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=UnitRole.choices)
    assigned_on = models.DateField()
    due_date = models.DateField()
    is_active = models.BooleanField(default=True)
    released_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "unit"],
                condition=Q(is_active=True),
                name="assignment_one_active_per_unit",
            ),
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(is_active=True, role="lead"),
                name="assignment_one_active_lead",
            ),
        ]
        indexes = [models.Index(fields=["unit", "is_active"], name="assignment_unit_idx")]

    def __str__(self) -> str:
        return f"{self.suggestion_id} → {self.unit_id} ({self.role})"


class DeadlineKind(models.TextChoices):
    REPLY = "reply", _("reply")
    OPINION = "opinion", _("co-handler opinion")
    RELEASE = "release", _("release request window")
    REHANDLE = "rehandle", _("re-handling reply")


class Deadline(models.Model):
    """One statutory or configured time limit, with the rule and setting values that produced it
    (see ``deadlines.py``). Reminders mark it so that re-running the reminder job sends nothing twice."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="deadlines")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    start_date = models.DateField()
    due_date = models.DateField(db_index=True)
    rule = models.CharField(max_length=200)
    source = models.CharField(max_length=200)
    settings_used = models.JSONField(default=list, blank=True)
    met_on = models.DateField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["met_on", "cancelled", "due_date"], name="deadline_open_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_date}"

    @property
    def is_open(self) -> bool:
        return self.met_on is None and not self.cancelled

    @property
    def state(self) -> DueState:
        from renda.suggestions.due import deadline_state

        return deadline_state(self)


class ReturnStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("return request", "pending")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", pgettext_lazy("return request", "refused")


class ReturnRequest(models.Model):
    """退回/申请调整: a unit asks to be released from an assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="return_requests")
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.status}"


class CoHandlerOpinion(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="opinion")
    text = models.TextField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField()

    def __str__(self) -> str:
        return f"opinion {self.assignment_id}"


class ContactWay(models.TextChoices):
    FACE = "face", _("face to face")
    PHONE = "phone", _("telephone")
    SITE = "site", _("site visit")
    MEETING = "meeting", pgettext_lazy("contact way", "meeting")
    OTHER = "other", _("other")


class ContactRecord(models.Model):
    """面商/沟通 with the deputy before replying (代表法 art 51)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="contacts")
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="+")
    contacted_on = models.DateField()
    way = models.CharField(max_length=20, choices=ContactWay.choices)
    deputy_view = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contacted_on", "pk"]

    def __str__(self) -> str:
        return f"contact {self.suggestion_id} {self.contacted_on}"


class Reply(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=1)  # 2 = the reply after re-handling
    category = models.CharField(max_length=2)
    text = models.TextField()
    signer = models.CharField(max_length=60)
    replied_on = models.DateField()
    due_date = models.DateField()
    on_time = models.BooleanField()
    is_public = models.BooleanField(default=False)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settings_used = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["round"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "round"], name="reply_unique_round")]

    def __str__(self) -> str:
        return f"reply {self.suggestion_id}/{self.round}"


class Feedback(models.Model):
    """代表满意度测评 of one reply."""

    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="feedback")
    rating = models.CharField(max_length=30, choices=Rating.choices)
    comment = models.TextField(blank=True)
    rated_on = models.DateField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"feedback {self.reply_id} {self.rating}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"suggestions/{instance.suggestion_id}/{filename}"


class Attachment(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class SupervisionNote(models.Model):
    """Progress note of a key supervised suggestion (重点督办)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="supervision_notes")
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField()

    class Meta:
        ordering = ["written_on", "pk"]

    def __str__(self) -> str:
        return self.text[:30]


class SupervisionRound(models.Model):
    """巡回集中督办: a tour of handling units over their open suggestions."""

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    planned_on = models.DateField(_("date"))
    leader = models.CharField(_("led by"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-planned_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class RoundVisit(models.Model):
    round = models.ForeignKey(SupervisionRound, on_delete=models.CASCADE, related_name="visits")
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="+")
    progress = models.TextField(blank=True)
    follow_ups = models.TextField(blank=True)
    recorded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="roundvisit_unique")]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.unit_id}"


class AssessmentWeights(models.Model):
    """Weights of the annual unit assessment (绩效考核), set by staff per congress."""

    congress = models.OneToOneField(Congress, on_delete=models.CASCADE, related_name="+")
    on_time = models.PositiveSmallIntegerField(default=30)
    contact = models.PositiveSmallIntegerField(default=15)
    category = models.PositiveSmallIntegerField(default=20)
    satisfaction = models.PositiveSmallIntegerField(default=25)
    rehandling = models.PositiveSmallIntegerField(default=10)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"weights {self.congress_id}"


class SearchToken(models.Model):
    """Posting list of the similar-suggestion index: one row per (suggestion, word) with its count."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40)
    tf = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["congress", "token"], name="searchtoken_idx")]

    def __str__(self) -> str:
        return self.token
