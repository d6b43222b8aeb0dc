"""Pages: meeting list, staff console, member page (phone first), hall screen, receipts, exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from renda.core.lists import Action, Column, Filter, ListPage
from renda.core.models import User
from renda.core.permissions import permission_required
from renda.core.scope import home_congress
from renda.meetings import exports, selectors, services
from renda.meetings.forms import MeetingForm, PollForm
from renda.meetings.models import (
    AgendaItem,
    LeaveRequest,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Paper,
    Participant,
    Poll,
    PollStatus,
    Sitting,
)
from renda.org.models import Body, BodyKind
from renda.org.selectors import current_term


def _actor(request: HttpRequest) -> User:
    """The logged-in user (every view here requires a login)."""
    return cast(User, request.user)


def _meeting(request: HttpRequest, meeting_id: int, **_kw: Any) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("congress", "term", "body"), pk=meeting_id)


def _poll(request: HttpRequest, poll_id: int, **_kw: Any) -> Poll:
    return get_object_or_404(Poll.objects.select_related("meeting", "congress"), pk=poll_id)


def _sitting(request: HttpRequest, sitting_id: int, **_kw: Any) -> Sitting:
    return get_object_or_404(Sitting.objects.select_related("meeting"), pk=sitting_id)


def _paper(request: HttpRequest, paper_id: int, **_kw: Any) -> Meeting:
    paper = get_object_or_404(Paper.objects.select_related("item__meeting"), pk=paper_id)
    request.renda_paper = paper  # type: ignore[attr-defined]
    return paper.item.meeting


def live_labels() -> dict[str, str]:
    """Texts the live pages' script shows (translated here: the script has no catalogue)."""
    return {
        "yes": pgettext("vote", "Yes"),
        "no": pgettext("vote", "No"),
        "abstain": pgettext("vote", "Abstain"),
        "option": _("Candidate or item"),
        "online": _("Connected"),
        "offline": _("Reconnecting…"),
        "no_item": _("No agenda item yet"),
        "no_poll": _("No vote at the moment"),
        "secret": _("secret ballot"),
        "seats": _("%(n)s to elect or pick"),
        "voted": _("Voted %(x)s / %(y)s"),
        "countdown": _("%(s)s seconds left"),
        "receipt": _("Your ballot was recorded. Receipt code: %(code)s"),
        "receipts": _("Receipts counted"),
        "basis": _(
            "Base (all members) %(base)s, ballots %(ballots)s, not voted %(not_voted)s, needed %(threshold)s"
        ),
        "confirm_q": _("Please confirm your choice:"),
        "confirm": _("Confirm and submit"),
        "back": _("Back"),
        "next": pgettext("ballot", "Next"),
        "incomplete": _("Please make a choice on every line."),
        "pick": _("Pick at most %(n)s"),
        "write_in": _("Write in another person"),
    }


class MeetingListPage(ListPage):
    permission = "meetings.view_meetings"
    title = gettext_lazy("Meetings")
    export_name = "meetings"
    empty_hint = gettext_lazy("No meetings yet. Staff create a meeting; members appear from the roster.")
    columns = (
        Column(
            pgettext_lazy("meeting", "Title"), "title", link=lambda m: reverse("meetings:open", args=[m.pk])
        ),
        Column(gettext_lazy("Kind"), "get_kind_display"),
        Column(gettext_lazy("Congress"), "congress.name"),
        Column(gettext_lazy("Start date"), "start_date", fmt="date"),
        Column(gettext_lazy("Venue"), "venue"),
        Column(gettext_lazy("Status"), "get_status_display"),
    )
    filters = (
        Filter("kind", gettext_lazy("Kind"), lambda qs, v: qs.filter(kind=v), lambda r: MeetingKind.choices),
        Filter(
            "status",
            gettext_lazy("Status"),
            lambda qs, v: qs.filter(status=v),
            lambda r: MeetingStatus.choices,
        ),
        Filter("q", pgettext_lazy("meeting", "Title"), lambda qs, v: qs.filter(title__icontains=v)),
    )
    actions = (Action(gettext_lazy("New meeting"), "meetings:meeting_create", "meetings.create_meeting"),)

    def queryset(self) -> QuerySet[Meeting]:
        return selectors.meeting_list(user=_actor(self.request))


meeting_list = MeetingListPage.as_view()


@permission_required("meetings.view_meeting", get_object=_meeting)
def meeting_open(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Staff go to the console, members to their page."""
    meeting = request.renda_object  # type: ignore[attr-defined]
    if request.user.has_perm("meetings.run_meeting", meeting):
        return redirect("meetings:console", meeting_id=meeting_id)
    if selectors.participant_of(user=_actor(request), meeting=meeting) is not None:
        return redirect("meetings:member", meeting_id=meeting_id)
    return redirect("meetings:screen", meeting_id=meeting_id)


@permission_required("meetings.create_meeting")
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    congress = home_congress(request.user)
    if request.method == "POST" and form.is_valid() and congress is not None:
        data = form.cleaned_data
        term = current_term(congress=congress, day=data["start_date"])
        body_kind = {
            MeetingKind.STANDING_COMMITTEE: BodyKind.STANDING_COMMITTEE,
            MeetingKind.COUNCIL_OF_CHAIRPERSONS: BodyKind.COUNCIL_OF_CHAIRPERSONS,
        }.get(data["kind"])
        body = (
            Body.objects.filter(congress=congress, kind=body_kind, term=term).first()
            if body_kind and term
            else None
        )
        try:
            if term is None:
                raise ValidationError(_("There is no term of this congress on that date."))
            meeting = services.meeting_create(
                actor=_actor(request),
                term=term,
                kind=data["kind"],
                title=data["title"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                body=body,
                number=data["number"],
                venue=data["venue"],
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Meeting created with %(n)s participants.") % {"n": meeting.participants.count()}
            )
            return redirect("meetings:console", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"page_title": _("New meeting"), "form": form, "congress": congress},
    )


@permission_required("meetings.run_meeting", get_object=_meeting)
def console(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting: Meeting = request.renda_object  # type: ignore[attr-defined]
    sitting = selectors.current_sitting(meeting=meeting)
    polls = list(
        meeting.polls.select_related("item", "revote_of").prefetch_related("options", "paper_counts")
    )
    poll_rows = []
    for poll in polls:
        missing, names = selectors.not_voted(poll=poll) if poll.status == PollStatus.OPEN else (0, [])
        poll_rows.append(
            {
                "poll": poll,
                "public": selectors.poll_public(poll),
                "not_voted": missing,
                "not_voted_names": names,
                "paper_entries": list(poll.paper_counts.all()),
            }
        )
    return render(
        request,
        "meetings/console.html",
        {
            "page_title": meeting.title,
            "meeting": meeting,
            "sitting": sitting,
            "sittings": list(meeting.sittings.all()),
            "counts": selectors.attendance_counts(sitting=sitting) if sitting else None,
            "attendance": selectors.attendance_rows(sitting=sitting) if sitting else [],
            "leave_requests": list(
                LeaveRequest.objects.filter(sitting__meeting=meeting, status="pending").select_related(
                    "participant__person", "sitting"
                )
            ),
            "items": selectors.agenda_with_papers(meeting=meeting),
            "voting_total": meeting.participants.filter(role="voting").count(),
            "polls": poll_rows,
            "poll_form": PollForm(auto_id="pf-%s"),
            "state": selectors.meeting_public_state(meeting_id=meeting.pk),
            "live_labels": live_labels(),
            "ws_path": f"/ws/meetings/{meeting.pk}/console/",
        },
    )


def _post_int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise ValidationError(_("The request is incomplete; please reload the page.")) from None


def _get(model: Any, request: HttpRequest, name: str, meeting: Meeting, via: str = "meeting") -> Any:
    qs = model if isinstance(model, QuerySet) else model.objects.all()
    obj = qs.filter(pk=_post_int(request, name), **{via: meeting}).first()
    if obj is None:
        raise ValidationError(_("The request is incomplete; please reload the page."))
    return obj


def _poll_create(request: HttpRequest, meeting: Meeting) -> Any:
    form = PollForm(request.POST)
    if not form.is_valid():
        raise ValidationError(
            " ".join(
                f"{form.fields[f].label}：{' '.join(str(m) for m in e)}"
                if f in form.fields
                else " ".join(map(str, e))
                for f, e in form.errors.items()
            )
        )
    d = form.cleaned_data
    item = meeting.items.filter(pk=d["item"]).first() if d.get("item") else meeting.current_item
    return services.poll_create(
        actor=_actor(request),
        meeting=meeting,
        kind=d["kind"],
        title=d["title"],
        options=d["options"].splitlines(),
        secret=True if d["secret"] else None,
        seats=d["seats"],
        item=item,
        countdown_seconds=d["countdown_seconds"],
        paper=d["paper"],
        appointment=d["appointment"],
    )


def _paper_counts(request: HttpRequest, poll: Poll) -> dict[str, Any]:
    return {
        "issued": request.POST.get("issued"),
        "returned": request.POST.get("returned"),
        "invalid": request.POST.get("invalid") or 0,
        "options": {
            str(o.pk): {m: request.POST.get(f"o{o.pk}_{m}") or 0 for m in ("yes", "no", "abstain")}
            for o in poll.options.all()
        },
        "write_ins": dict(
            zip(request.POST.getlist("write_in_name"), request.POST.getlist("write_in_count"), strict=False)
        ),
    }


def _paper_add(request: HttpRequest, meeting: Meeting) -> Paper:
    if "file" not in request.FILES:
        raise ValidationError(_("Choose a file to upload."))
    return services.paper_add(
        actor=_actor(request),
        item=_get(AgendaItem, request, "item", meeting),
        title=request.POST.get("title", ""),
        file=cast(File, request.FILES["file"]),
    )


def _participant(request: HttpRequest, meeting: Meeting) -> Participant:
    return _get(Participant.objects.select_related("person"), request, "participant", meeting)


STAFF_ACTIONS: dict[str, Callable[[HttpRequest, Meeting], Any]] = {
    "sitting_create": lambda r, m: services.sitting_create(
        actor=_actor(r),
        meeting=m,
        title=r.POST.get("title", ""),
        starts_at=timezone.make_aware(dt.datetime.fromisoformat(r.POST["starts_at"]))
        if r.POST.get("starts_at")
        else timezone.now(),
    ),
    "sitting_open": lambda r, m: services.sitting_open(
        actor=_actor(r), sitting=_get(Sitting, r, "sitting", m)
    ),
    "sitting_close": lambda r, m: services.sitting_close(
        actor=_actor(r), sitting=_get(Sitting, r, "sitting", m)
    ),
    "check_in": lambda r, m: services.attendance_check_in(
        actor=_actor(r), sitting=_get(Sitting, r, "sitting", m), participant=_participant(r, m)
    ),
    "depart": lambda r, m: services.attendance_depart(
        actor=_actor(r), sitting=_get(Sitting, r, "sitting", m), participant=_participant(r, m)
    ),
    "leave_approve": lambda r, m: services.leave_request_decide(
        actor=_actor(r), request=_get(LeaveRequest, r, "leave", m, "sitting__meeting"), approve=True
    ),
    "leave_refuse": lambda r, m: services.leave_request_decide(
        actor=_actor(r), request=_get(LeaveRequest, r, "leave", m, "sitting__meeting"), approve=False
    ),
    "item_add": lambda r, m: services.agenda_item_add(
        actor=_actor(r),
        meeting=m,
        title=r.POST.get("title", ""),
        description=r.POST.get("description", ""),
    ),
    "item_current": lambda r, m: services.meeting_set_current_item(
        actor=_actor(r), meeting=m, item=_get(AgendaItem, r, "item", m)
    ),
    "paper_add": lambda r, m: _paper_add(r, m),
    "poll_create": _poll_create,
    "poll_open": lambda r, m: services.poll_open(actor=_actor(r), poll=_get(Poll, r, "poll", m)),
    "poll_close": lambda r, m: services.poll_close(actor=_actor(r), poll=_get(Poll, r, "poll", m)),
    "poll_announce": lambda r, m: services.poll_announce(actor=_actor(r), poll=_get(Poll, r, "poll", m)),
    "poll_revote": lambda r, m: services.poll_revote(actor=_actor(r), poll=_get(Poll, r, "poll", m)),
    "paper_count": lambda r, m: services.paper_count_enter(
        actor=_actor(r), poll=(p := _get(Poll, r, "poll", m)), counts=_paper_counts(r, p)
    ),
    "paper_count_discard": lambda r, m: services.paper_count_discard(
        actor=_actor(r), poll=_get(Poll, r, "poll", m)
    ),
    "meeting_close": lambda r, m: services.meeting_close(actor=_actor(r), meeting=m),
}


@require_POST
@permission_required("meetings.run_meeting", get_object=_meeting)
def staff_action(request: HttpRequest, meeting_id: int, action: str) -> HttpResponse:
    handler = STAFF_ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        handler(request, request.renda_object)  # type: ignore[attr-defined]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect(reverse("meetings:console", args=[meeting_id]) + request.POST.get("anchor", ""))


@permission_required("meetings.vote", get_object=_meeting)
def member(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting: Meeting = request.renda_object  # type: ignore[attr-defined]
    participant = selectors.participant_of(user=_actor(request), meeting=meeting)
    sitting = selectors.current_sitting(meeting=meeting)
    state = selectors.member_state(meeting=meeting, participant=participant)
    pending_leave = (
        LeaveRequest.objects.filter(sitting=sitting, participant=participant).first() if sitting else None
    )
    return render(
        request,
        "meetings/member.html",
        {
            "page_title": meeting.title,
            "meeting": meeting,
            "participant": participant,
            "sitting": sitting,
            "state": state,
            "papers": selectors.papers_with_read(meeting=meeting, participant=participant),
            "leave": pending_leave,
            "ws_path": f"/ws/meetings/{meeting.pk}/member/",
            "live_labels": live_labels(),
        },
    )


@require_POST
@permission_required("meetings.vote", get_object=_meeting)
def member_action(request: HttpRequest, meeting_id: int, action: str) -> HttpResponse:
    meeting: Meeting = request.renda_object  # type: ignore[attr-defined]
    participant = selectors.participant_of(user=_actor(request), meeting=meeting)
    sitting = selectors.current_sitting(meeting=meeting)
    try:
        if participant is None or sitting is None:
            raise ValidationError(_("There is no sitting to attend yet."))
        if action == "check_in":
            services.attendance_check_in(actor=_actor(request), sitting=sitting, participant=participant)
            messages.success(request, _("Checked in."))
        elif action == "leave":
            services.leave_request_submit(
                actor=_actor(request),
                sitting=sitting,
                participant=participant,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("Leave request sent; staff will decide."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("meetings:member", meeting_id=meeting_id)


@permission_required("meetings.view_meeting", get_object=_paper)
def paper_open(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper: Paper = request.renda_paper  # type: ignore[attr-defined]
    participant = selectors.participant_of(user=_actor(request), meeting=paper.item.meeting)
    if participant is not None:
        services.paper_mark_read(actor=_actor(request), paper=paper, participant=participant)
    try:
        handle = paper.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return cast(HttpResponse, FileResponse(handle, filename=paper.file.name.rsplit("/", 1)[-1]))


@permission_required("meetings.view_screen", get_object=_meeting)
def screen(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting: Meeting = request.renda_object  # type: ignore[attr-defined]
    return render(
        request,
        "meetings/screen.html",
        {
            "page_title": meeting.title,
            "meeting": meeting,
            "state": selectors.meeting_public_state(meeting_id=meeting.pk),
            "ws_path": f"/ws/meetings/{meeting.pk}/screen/",
            "live_labels": live_labels(),
        },
    )


@permission_required("meetings.view_meeting", get_object=_poll)
def receipts(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll: Poll = request.renda_object  # type: ignore[attr-defined]
    code = request.GET.get("code", "").strip()
    return render(
        request,
        "meetings/receipts.html",
        {
            "page_title": _("Receipts counted: %(title)s") % {"title": poll.title},
            "poll": poll,
            "codes": selectors.receipts_published(poll=poll),
            "code": code,
            "found": selectors.receipt_verify(poll=poll, code=code) if code else None,
        },
    )


@permission_required("meetings.run_meeting", get_object=_sitting)
def export_attendance(request: HttpRequest, sitting_id: int) -> HttpResponse:
    return exports.attendance_xlsx(request.renda_object)  # type: ignore[attr-defined]


def _closed(poll: Poll) -> Poll:
    if poll.status not in (PollStatus.CLOSED, PollStatus.ANNOUNCED):
        raise PermissionDenied
    return poll


@permission_required("meetings.run_meeting", get_object=_poll)
def export_poll(request: HttpRequest, poll_id: int) -> HttpResponse:
    return exports.poll_result_xlsx(_closed(request.renda_object))  # type: ignore[attr-defined]


@permission_required("meetings.run_meeting", get_object=_poll)
def poll_announcement(request: HttpRequest, poll_id: int) -> HttpResponse:
    return exports.announcement_docx(_closed(request.renda_object))  # type: ignore[attr-defined]
