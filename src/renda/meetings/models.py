"""Meetings (会议), sittings, agenda items, papers, participants, attendance, polls and ballots.

Secret ballots: ``PollVoter`` records who has voted (and their receipt); ``Ballot`` holds the
anonymous choices under a random UUID with no voter, no time and no sequence. On close the ballots
of a secret poll are rewritten in a random order, so not even the storage order follows cast order.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renda.core.models import Congress
from renda.org.models import Body, MemberRole, Person, Term

LIVE_STAMP_RANGE = 2**31 - 1  # fits an integer column on SQLite and PostgreSQL


def new_live_stamp() -> int:
    return secrets.randbelow(LIVE_STAMP_RANGE)


class MeetingKind(models.TextChoices):
    CONGRESS_SESSION = "congress_session", _("congress session")
    STANDING_COMMITTEE = "standing_committee", _("standing committee meeting")
    COUNCIL_OF_CHAIRPERSONS = "council_of_chairpersons", _("council of chairpersons' meeting")
    TOWNSHIP_SESSION = "township_session", _("township congress session")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    CLOSED = "closed", _("closed")


class Meeting(models.Model):
    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="meetings"
    )
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    body = models.ForeignKey(
        Body, verbose_name=_("body"), null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("meeting", "number"), default=1)
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    current_item = models.ForeignKey(
        "AgendaItem",
        verbose_name=_("current agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A stamp changed in the transaction of every change that live pages show
    # (``live.broadcast_on_commit``): a process may reuse the live state it built only while the
    # stamp is the same. Random, not a counter, so a meeting recreated under the same id (a
    # restored or re-created database) never matches a copy built from the old one.
    live_version = models.PositiveIntegerField(default=new_live_stamp, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="meeting_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Sitting(models.Model):
    """全体会议 (or a delegation group session) of a meeting; attendance is taken per sitting."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        OPEN = "open", _("in session")
        CLOSED = "closed", _("ended")

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sittings")
    number = models.PositiveSmallIntegerField(pgettext_lazy("meeting", "number"))
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)

    class Meta:
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="sitting_unique_number")]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="agendaitem_unique_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Paper(models.Model):
    """A meeting paper (会议材料) read on members' tablets."""

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=300)
    file = models.FileField(_("file"), upload_to="meetings/papers/%Y/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return self.title


class ParticipantRole(models.TextChoices):
    VOTING = "voting", _("voting member")
    NON_VOTING = "non_voting", _("non-voting attendee")


class Participant(models.Model):
    """Who takes part, computed from mandates and memberships on the meeting's date."""

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        pgettext_lazy("meeting participant", "role"), max_length=20, choices=ParticipantRole.choices
    )
    group = models.CharField(_("delegation"), max_length=100, blank=True)
    # A committee meeting's participants: their post in the body (code; the label is translated).
    post = models.CharField(_("post"), max_length=20, choices=MemberRole.choices, blank=True)
    seat = models.CharField(_("seat"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "role", "group", "person__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="participant_unique")]

    def __str__(self) -> str:
        return self.person.name

    @property
    def group_label(self) -> str:
        """Delegation (人代会) or the translated post in the body (常委会、主任会议)."""
        return str(self.get_post_display()) if self.post else self.group


class PaperRead(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="reads")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="paper_reads")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["paper", "participant"], name="paperread_unique")]

    def __str__(self) -> str:
        return f"{self.paper_id}:{self.participant_id}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("present")
    LEAVE = "leave", _("on leave")
    ABSENT = "absent", _("absent")


class Attendance(models.Model):
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(
        _("status"), max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.ABSENT
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(_("late"), default=False)
    left_at = models.DateTimeField(_("left early at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sitting", "participant"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.sitting_id}:{self.participant_id}:{self.status}"


class LeaveRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("leave request", "pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", pgettext_lazy("leave request", "refused")

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="leave_requests")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="leave_requests")
    reason = models.CharField(pgettext_lazy("leave request", "reason"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "participant"],
                condition=Q(status="pending"),
                name="leaverequest_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.reason


class PollKind(models.TextChoices):
    MOTION = "motion", _("yes / no / abstain")
    LIST = "list", _("list vote")
    ELECTION = "election", _("election")
    CHOICE = "choice", _("pick up to N of M")


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
    ANNOUNCED = "announced", _("announced")


class Poll(models.Model):
    """A question put to vote (表决). Never changes after it closes; a re-vote is a new linked poll."""

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="polls")
    sitting = models.ForeignKey(
        Sitting, null=True, blank=True, on_delete=models.PROTECT, related_name="polls"
    )
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="polls"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PollKind.choices)
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=300)
    secret = models.BooleanField(_("secret ballot"), default=False)
    paper = models.BooleanField(_("paper ballot"), default=False)
    seats = models.PositiveSmallIntegerField(_("seats / picks"), default=1)
    countdown_seconds = models.PositiveIntegerField(_("countdown (seconds)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PollStatus.choices, default=PollStatus.DRAFT
    )
    revote_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revotes"
    )
    entitled = models.PositiveIntegerField(_("entitled voters"), default=0)  # fixed at open
    opened_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)  # frozen at close (rules_law.PollResult)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["meeting", "pk"]
        constraints = [
            # Elections are always secret (组织法 art 28).
            models.CheckConstraint(
                condition=~Q(kind="election") | Q(secret=True), name="poll_election_secret"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="poll_seats_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class PollOption(models.Model):
    """A candidate, a list entry or a project option."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField()
    label = models.CharField(_("label"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["poll", "order"]
        constraints = [models.UniqueConstraint(fields=["poll", "order"], name="polloption_unique_order")]

    def __str__(self) -> str:
        return self.label


def new_receipt() -> str:
    return secrets.token_hex(5).upper()


class PollVoter(models.Model):
    """Who has voted on a poll. One row per voter: the database refuses a second ballot.
    Holds the receipt and the idempotency key of the cast; no time, and nothing of the ballot."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    receipt = models.CharField(max_length=16, default=new_receipt)
    idempotency_key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "participant"], name="pollvoter_one_ballot"),
            models.UniqueConstraint(fields=["poll", "receipt"], name="pollvoter_unique_receipt"),
        ]

    def __str__(self) -> str:
        return self.receipt


class Ballot(models.Model):
    """One cast vote. For a secret poll: random key, no voter, no time, no sequence."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    # Recorded polls only; a check constraint keeps it empty on secret polls.
    voter = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    secret = models.BooleanField()
    choice = models.JSONField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(secret=False) | Q(voter__isnull=True), name="ballot_secret_no_voter"
            ),
            models.CheckConstraint(
                condition=Q(secret=True) | Q(voter__isnull=False), name="ballot_recorded_voter"
            ),
            models.UniqueConstraint(
                fields=["poll", "voter"],
                condition=Q(voter__isnull=False),
                name="ballot_one_per_recorded_voter",
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)


class PaperCount(models.Model):
    """A clerk's entry of a paper-ballot count; two matching entries by two clerks (二人录入复核)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="paper_counts")
    entry = models.PositiveSmallIntegerField()  # 1 = first entry, 2 = check entry
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()
    counts = models.JSONField()

    class Meta:
        ordering = ["poll", "entry"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "entry"], name="papercount_unique_entry"),
            models.CheckConstraint(condition=Q(entry__in=[1, 2]), name="papercount_entry_1_2"),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}#{self.entry}"
