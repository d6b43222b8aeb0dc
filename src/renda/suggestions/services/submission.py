"""Submitting, confirming, co-signing, reviewing and merging suggestions and motions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.audit import audit_log
from renda.core.models import Congress, User
from renda.org.models import Person
from renda.org.selectors import active_mandates, current_term, person_of
from renda.suggestions import deadlines
from renda.suggestions.models import (
    Attachment,
    CoSigner,
    Field,
    Kind,
    Period,
    SignerStatus,
    Status,
    Suggestion,
)
from renda.suggestions.search import index_suggestion
from renda.suggestions.services.common import detail_url, fail, locked, notify_on_commit, staff_of, user_of

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def _deputy_ids(congress: Congress) -> set[int]:
    return set(
        active_mandates(congress=congress, day=timezone.localdate()).values_list("person_id", flat=True)
    )


def attachments_add(
    *, actor: User | None, suggestion: Suggestion, files: Iterable[UploadedFile], reply_id: int | None = None
) -> list[Attachment]:
    rows = []
    for upload in files:
        if upload.size and upload.size > MAX_ATTACHMENT_BYTES:
            fail(_("The attachment %(name)s is larger than 20 MB.") % {"name": upload.name})
        rows.append(
            Attachment.objects.create(
                suggestion=suggestion,
                reply_id=reply_id,
                file=upload,
                name=(upload.name or "attachment")[:200],
                uploaded_by=actor,
            )
        )
    return rows


def signers_confirmed(suggestion: Suggestion) -> int:
    """The lead deputy plus the co-signers who confirmed."""
    return 1 + suggestion.cosigners.filter(status=SignerStatus.CONFIRMED).count()


def _advance(suggestion: Suggestion) -> bool:
    """Pending → submitted once the deputy confirmed (staff-entered) and every co-signer answered."""
    if suggestion.status != Status.PENDING:
        return False
    if suggestion.on_behalf and suggestion.confirmed_at is None:
        return False
    if suggestion.cosigners.filter(status=SignerStatus.PENDING).exists():
        return False
    last = (
        (
            Suggestion.objects.filter(
                congress_id=suggestion.congress_id, year=suggestion.year, kind=suggestion.kind
            ).aggregate(m=Max("number"))["m"]
        )
        or 0
    )
    suggestion.number = last + 1
    suggestion.status = Status.SUBMITTED
    suggestion.submitted_at = timezone.now()
    suggestion.save(update_fields=["number", "status", "submitted_at"])
    notify_on_commit(
        recipients=staff_of(suggestion.congress),
        congress=suggestion.congress,
        kind="suggestion.review",
        title=_("A suggestion awaits review: %(t)s") % {"t": suggestion.title},
        url=detail_url(suggestion),
    )
    return True


def suggestion_submit(
    *,
    actor: User,
    congress: Congress,
    title: str,
    text: str,
    field: str,
    kind: str = Kind.SUGGESTION,
    period: str = Period.SESSION,
    session_number: int | None = None,
    cosigner_ids: Sequence[int] = (),
    submitter: Person | None = None,
    files: Iterable[UploadedFile] = (),
) -> Suggestion:
    """A deputy submits (or staff enter one from paper on the deputy's behalf: ``submitter``)."""
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        fail(_("Please enter a title."))
    if len(title) > 200:
        fail(_("The title may have at most 200 characters."))
    if len(text) < 10:
        fail(_("Please describe the matter in at least 10 characters."))
    if field not in Field.values:
        fail(_("Please choose a field."))
    if kind not in Kind.values:
        fail(_("Please choose suggestion or motion."))
    if period not in Period.values:
        fail(_("Please choose during a session or between sessions."))
    deputies = _deputy_ids(congress)
    own = person_of(user=actor)
    on_behalf = submitter is not None and (own is None or submitter.pk != own.pk)
    lead = submitter if submitter is not None else own
    if lead is None or lead.pk not in deputies:
        fail(_("Only a serving deputy of this congress can submit; staff must choose the deputy."))
    cosigners = list(dict.fromkeys(int(i) for i in cosigner_ids if int(i) != lead.pk))
    unknown = [i for i in cosigners if i not in deputies]
    if unknown:
        fail(_("Joint signers must be serving deputies of this congress."))
    if kind == Kind.MOTION:
        required = deadlines.motion_signers_required(congress)
        if 1 + len(cosigners) < required:
            fail(
                _("A motion needs at least %(n)s deputies jointly (%(source)s); now there are %(have)s.")
                % {"n": required, "source": deadlines.MOTION_SOURCE, "have": 1 + len(cosigners)}
            )
    today = timezone.localdate()
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            congress=congress,
            term=current_term(congress=congress, day=today),
            kind=kind,
            submitted_kind=kind,
            period=period,
            session_number=session_number if period == Period.SESSION else None,
            year=today.year,
            title=title,
            text=text,
            field=field,
            submitter=lead,
            entered_by=actor,
            on_behalf=on_behalf,
            confirmed_at=None if on_behalf else timezone.now(),
        )
        CoSigner.objects.bulk_create([CoSigner(suggestion=suggestion, person_id=pid) for pid in cosigners])
        attachments_add(actor=actor, suggestion=suggestion, files=files)
        index_suggestion(suggestion)
        _advance(suggestion)
        audit_log(
            actor=actor,
            action="suggestion.submit",
            congress=congress,
            obj=suggestion,
            payload={"kind": kind, "title": title, "on_behalf": on_behalf, "cosigners": cosigners},
        )
        people = list(Person.objects.filter(pk__in=cosigners).select_related("user"))
        notify_on_commit(
            recipients=[p.user for p in people if p.user is not None],
            congress=congress,
            kind="suggestion.cosign",
            url=detail_url(suggestion),
            title=_("Please confirm joint signing: %(t)s") % {"t": title},
        )
        if on_behalf:
            notify_on_commit(
                recipients=user_of(lead),
                congress=congress,
                kind="suggestion.confirm",
                url=detail_url(suggestion),
                title=_("Staff entered a suggestion for you; please confirm: %(t)s") % {"t": title},
            )
    return suggestion


def suggestion_confirm(*, actor: User, suggestion: Suggestion) -> Suggestion:
    """The deputy confirms a suggestion staff entered on their behalf."""
    with transaction.atomic():
        s = locked(suggestion)
        if s.status != Status.PENDING or not s.on_behalf or s.confirmed_at is not None:
            fail(_("This suggestion does not await your confirmation."))
        if s.submitter.user_id != actor.pk:
            fail(_("Only the lead deputy can confirm this suggestion."))
        s.confirmed_at = timezone.now()
        s.save(update_fields=["confirmed_at"])
        _advance(s)
        audit_log(actor=actor, action="suggestion.confirm", congress=s.congress, obj=s)
    return s


def cosign_respond(*, actor: User, suggestion: Suggestion, accept: bool) -> CoSigner:
    with transaction.atomic():
        s = locked(suggestion)
        person = person_of(user=actor)
        row = s.cosigners.select_for_update().filter(person=person).first() if person else None
        if row is None:
            fail(_("You are not invited to sign this suggestion jointly."))
        if row.status != SignerStatus.PENDING or s.status != Status.PENDING:
            fail(_("You have already answered this invitation."))
        row.status = SignerStatus.CONFIRMED if accept else SignerStatus.DECLINED
        row.responded_at = timezone.now()
        row.save(update_fields=["status", "responded_at"])
        _advance(s)
        audit_log(
            actor=actor,
            action="suggestion.cosign",
            congress=s.congress,
            obj=s,
            payload={"accept": accept, "person": row.person_id},
        )
    return row


def suggestion_review(*, actor: User, suggestion: Suggestion, decision: str, reason: str = "") -> Suggestion:
    """立案审查: a motion is registered or turned into a suggestion (with a reason the deputies see);
    a suggestion is accepted for assignment."""
    reason = (reason or "").strip()
    with transaction.atomic():
        s = locked(suggestion)
        if s.status != Status.SUBMITTED:
            fail(_("Only a submitted item awaiting review can be reviewed."))
        if s.kind == Kind.MOTION:
            if decision == "register":
                required = deadlines.motion_signers_required(s.congress)
                have = signers_confirmed(s)
                if have < required:
                    fail(
                        _(
                            "A motion needs at least %(n)s deputies jointly (%(source)s); now there are %(have)s."
                        )
                        % {"n": required, "source": deadlines.MOTION_SOURCE, "have": have}
                    )
            elif decision == "convert":
                if not reason:
                    fail(_("Please give the reason for handling the motion as a suggestion."))
                s.kind = Kind.SUGGESTION
                last = (
                    (
                        Suggestion.objects.filter(
                            congress_id=s.congress_id, year=s.year, kind=Kind.SUGGESTION
                        ).aggregate(m=Max("number"))["m"]
                    )
                    or 0
                )
                s.number = last + 1
            else:
                fail(_("Please choose to register the motion or to handle it as a suggestion."))
        elif decision != "accept":
            fail(_("Please choose to accept the suggestion."))
        s.status = Status.REVIEWED
        s.review_reason = reason
        s.save(update_fields=["kind", "number", "status", "review_reason"])
        audit_log(
            actor=actor,
            action="suggestion.review",
            congress=s.congress,
            obj=s,
            payload={"decision": decision, "reason": reason},
        )
        if decision == "convert":
            notify_on_commit(
                recipients=user_of(s.submitter),
                congress=s.congress,
                kind="suggestion.review",
                url=detail_url(s),
                title=_("Your motion will be handled as a suggestion: %(t)s") % {"t": s.title},
                body=reason,
            )
    return s


def suggestion_merge(*, actor: User, suggestion: Suggestion, duplicates: Sequence[Suggestion]) -> Suggestion:
    """并案: the duplicates follow the surviving suggestion."""
    with transaction.atomic():
        s = locked(suggestion)
        if s.status not in (Status.SUBMITTED, Status.REVIEWED, Status.ASSIGNED):
            fail(_("Only suggestions not yet replied to can take in duplicates."))
        ids = [d.pk for d in duplicates if d.pk != s.pk]
        if not ids:
            fail(_("Please choose the duplicates to merge."))
        dups = list(Suggestion.objects.select_for_update().filter(pk__in=ids))
        for d in dups:
            if d.congress_id != s.congress_id:
                fail(_("Only suggestions of the same congress can be merged."))
            if d.status not in (Status.SUBMITTED, Status.REVIEWED):
                fail(_("%(t)s has already been assigned or merged and cannot be merged.") % {"t": d.title})
        Suggestion.objects.filter(pk__in=ids).update(status=Status.MERGED, merged_into=s)
        audit_log(actor=actor, action="suggestion.merge", congress=s.congress, obj=s, payload={"merged": ids})
        recipients = [
            d.submitter.user
            for d in Suggestion.objects.filter(pk__in=ids).select_related("submitter__user")
            if d.submitter.user is not None
        ]
        notify_on_commit(
            recipients=recipients,
            congress=s.congress,
            kind="suggestion.merge",
            url=detail_url(s),
            title=_("Your suggestion was merged into: %(t)s") % {"t": s.title},
        )
    return s
