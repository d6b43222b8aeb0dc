import pytest
from django.core.files.base import ContentFile

from renda.meetings import services
from tests.factories.meetings import make_meeting, open_poll, open_sitting
from tests.permission_matrix import INTERNAL, OFFICE, Case, check_case

# The superuser passes every check (Django), so "admin" appears in member rows too.
RUNNERS = frozenset({"admin", "staff"})  # office staff in the county's scope
VIEWERS = frozenset({"admin", "staff", "leader", "deputy"})  # county staff and leaders, and participants


def _setup(w):
    """A standing committee meeting (the 'deputy' login is a member) with a paper and a closed poll."""
    if not hasattr(w, "meeting_fixture"):
        meeting = make_meeting(w)
        item = services.agenda_item_add(actor=w.users["staff"], meeting=meeting, title="审议报告")
        paper = services.paper_add(
            actor=w.users["staff"],
            item=item,
            title="报告全文",
            file=ContentFile(b"%PDF-1.4 test", name="report.pdf"),
        )
        sitting = open_sitting(w, meeting)
        poll = open_poll(w, meeting)
        services.poll_close(actor=w.users["staff"], poll=poll)
        w.meeting_fixture = {"meeting": meeting, "paper": paper, "sitting": sitting, "poll": poll}
    return w.meeting_fixture


def meeting_kw(w):
    return {"meeting_id": _setup(w)["meeting"].pk}


CASES = [
    Case("meetings:meeting_list", INTERNAL),
    Case("meetings:meeting_create", OFFICE),
    Case("meetings:open", VIEWERS, kwargs=meeting_kw, ok_status=(302,)),
    Case("meetings:console", RUNNERS, kwargs=meeting_kw),
    Case(
        "meetings:staff_action",
        RUNNERS,
        method="post",
        ok_status=(302,),
        kwargs=lambda w: {**meeting_kw(w), "action": "item_add"},
        data=lambda w: {"title": "新议程"},
    ),
    Case("meetings:member", frozenset({"deputy", "admin"}), kwargs=meeting_kw),
    Case(
        "meetings:member_action",
        frozenset({"deputy", "admin"}),
        method="post",
        ok_status=(302,),
        kwargs=lambda w: {**meeting_kw(w), "action": "check_in"},
    ),
    Case("meetings:screen", VIEWERS, kwargs=meeting_kw),
    Case("meetings:paper_open", VIEWERS, kwargs=lambda w: {"paper_id": _setup(w)["paper"].pk}),
    Case("meetings:receipts", VIEWERS, kwargs=lambda w: {"poll_id": _setup(w)["poll"].pk}),
    Case("meetings:export_poll", RUNNERS, kwargs=lambda w: {"poll_id": _setup(w)["poll"].pk}),
    Case("meetings:announcement", RUNNERS, kwargs=lambda w: {"poll_id": _setup(w)["poll"].pk}),
    Case("meetings:export_attendance", RUNNERS, kwargs=lambda w: {"sitting_id": _setup(w)["sitting"].pk}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.url_name for c in CASES])
def test_meetings_url_matrix(case, world, client_for):
    assert check_case(case, world, client_for) == []
