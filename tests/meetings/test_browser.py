"""Browser: a member votes on a phone-sized page while the hall screen (another page) updates over
the WebSocket without reloading; staff open, close and announce from the console."""

import pytest
from django.core.files.base import ContentFile

from renda.meetings import services
from tests.browser_session import DESKTOP, PHONE, signed_in_context
from tests.factories.meetings import ensure_user, make_meeting, open_sitting, voters

pytestmark = pytest.mark.browser


def test_member_votes_while_hall_screen_updates(world, asgi_server, browser, artifacts_dir):
    staff_user = world.users["staff"]
    meeting = make_meeting(world)
    open_sitting(world, meeting)
    item = services.agenda_item_add(
        actor=staff_user, meeting=meeting, title="审议县人民政府关于2025年县级决算的报告"
    )
    services.paper_add(
        actor=staff_user,
        item=item,
        title="2025年县级决算报告",
        file=ContentFile(b"%PDF-1.4 demo", name="report.pdf"),
    )
    services.meeting_set_current_item(actor=staff_user, meeting=meeting, item=item)
    poll = services.poll_create(
        actor=staff_user,
        meeting=meeting,
        kind="motion",
        item=item,
        title="关于批准2025年县级决算的决议（草案）",
    )
    members = voters(meeting)
    deputy = world.users["deputy"]
    assert members[0].person.user_id == deputy.pk

    screen_ctx = signed_in_context(browser, asgi_server, staff_user, DESKTOP)
    console_ctx = signed_in_context(browser, asgi_server, staff_user, DESKTOP)
    member_ctx = signed_in_context(browser, asgi_server, deputy, PHONE)
    try:
        screen = screen_ctx.new_page()
        screen.goto(f"{asgi_server}/meetings/{meeting.pk}/screen/")
        screen.wait_for_selector("main[data-connected='1']")
        # A marker in the page's DOM: a reload would drop it.
        screen.evaluate("document.body.dataset.notReloaded = 'yes'")
        assert "审议县人民政府关于2025年县级决算的报告" in screen.inner_text("[data-item]")

        member = member_ctx.new_page()
        member.goto(f"{asgi_server}/meetings/{meeting.pk}/member/")
        member.wait_for_selector("[data-live][data-connected='1']")
        assert "当前没有表决" in member.inner_text("[data-poll]")
        assert "2025年县级决算报告" in member.inner_text("body")

        # Staff open the vote from the console.
        console = console_ctx.new_page()
        console.on("dialog", lambda d: d.accept())
        console.goto(f"{asgi_server}/meetings/{meeting.pk}/console/")
        console.click("[data-testid=poll-open]")
        console.wait_for_selector("[data-status=open]")

        # The screen and the member page learn of it without a reload.
        screen.wait_for_selector("[data-voted]:has-text('已表决 0 / 7')")
        member.wait_for_selector("[data-mark=yes]")
        member.screenshot(path=artifacts_dir / "meetings-member-ballot.png", full_page=True)
        member.click("[data-mark=yes]")
        member.wait_for_selector("[data-action=confirm]")
        assert member.inner_text("[data-confirm-choice]") == "赞成"
        member.screenshot(path=artifacts_dir / "meetings-member-confirm.png", full_page=True)
        member.click("[data-action=confirm]")
        member.wait_for_selector("[data-receipt]")
        receipt = member.get_attribute("[data-receipt]", "data-receipt")
        assert receipt and len(receipt) == 10
        member.screenshot(path=artifacts_dir / "meetings-member-receipt.png", full_page=True)
        screen.wait_for_selector("[data-voted]:has-text('已表决 1 / 7')")

        # Four more members vote on their devices (through the same service).
        for i, m in enumerate(members[1:5]):
            services.ballot_cast(
                actor=ensure_user(m),
                poll_id=poll.pk,
                participant=m,
                choice={"v": "yes" if i < 3 else "no"},
                idempotency_key=f"b{i}",
            )
        screen.wait_for_selector("[data-voted]:has-text('已表决 5 / 7')")
        screen.screenshot(path=artifacts_dir / "meetings-screen-voting.png")

        console.reload()
        console.screenshot(path=artifacts_dir / "meetings-console-open.png", full_page=True)
        console.click("[data-testid=poll-close]")
        console.wait_for_selector("[data-status=closed]")
        screen.wait_for_selector("[data-outcome]")
        assert screen.inner_text("[data-outcome]") == "通过"  # 4 yes of 7: more than half of ALL members
        assert "以全体组成人员的过半数通过" in screen.inner_text("[data-poll]")
        screen.screenshot(path=artifacts_dir / "meetings-screen-result.png")
        member.wait_for_selector("[data-outcome]")
        member.screenshot(path=artifacts_dir / "meetings-member-result.png", full_page=True)

        console.click("[data-testid=poll-announce]")
        console.wait_for_selector("[data-status=announced]")
        screen.wait_for_selector("[data-poll]:has-text('已宣布')")
        console.screenshot(path=artifacts_dir / "meetings-console-announced.png", full_page=True)
        assert screen.get_attribute("body", "data-not-reloaded") == "yes"

        # The member checks the published receipt list.
        member.goto(f"{asgi_server}/meetings/polls/{poll.pk}/receipts/?code={receipt}")
        assert member.is_visible("[data-testid=receipt-found]")
        member.screenshot(path=artifacts_dir / "meetings-member-receipts.png", full_page=True)
    finally:
        for ctx in (screen_ctx, console_ctx, member_ctx):
            ctx.close()
