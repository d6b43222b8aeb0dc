"""In-app inbox, unread count, marking read, and the outbound channel (SMS/e-mail) interface."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from renda.core import outbound, services
from renda.core.models import AuditEvent, Notification
from renda.core.outbound import OutboundMessage

pytestmark = pytest.mark.django_db


class RecordingBackend:
    sent: list[OutboundMessage] = []

    def send(self, message: OutboundMessage) -> None:
        RecordingBackend.sent.append(message)


def _send(world, **kwargs):  # type: ignore[no-untyped-def]
    defaults = {
        "actor": world.users["staff"],
        "recipients": [world.users["deputy"], world.users["leader"]],
        "kind": "test",
        "title": "常委会会议通知",
        "body": "请于3月5日参会。",
        "url": "/workbench/",
    }
    return services.notification_send(**(defaults | kwargs))


def test_send_puts_one_message_in_each_inbox_and_audits_once(world):
    before = AuditEvent.objects.count()
    rows = _send(world)
    assert len(rows) == 2
    assert Notification.objects.filter(recipient=world.users["deputy"], read_at__isnull=True).count() == 1
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert event.action == "notification.send" and set(event.payload["recipients"]) == {
        world.users["deputy"].pk,
        world.users["leader"].pk,
    }


def test_a_message_without_title_is_refused(world):
    with pytest.raises(ValidationError, match="标题"):
        _send(world, title="  ")
    assert not Notification.objects.exists()


def test_header_badge_shows_the_unread_count(world, client_for):
    _send(world)
    _send(world, title="第二条")
    html = client_for("deputy").get(reverse("core:workbench")).content.decode()
    assert 'data-testid="unread-count">2<' in html
    html = client_for("staff").get(reverse("core:workbench")).content.decode()
    assert 'data-testid="unread-count"' not in html  # the sender got nothing


def test_opening_a_message_marks_it_read_and_follows_its_link(world, client_for):
    note = _send(world)[0]
    client = client_for("deputy")
    response = client.get(reverse("core:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_message_never_redirects_off_site(world, client_for):
    note = _send(world, url="https://evil.example.com/")[0]
    response = client_for("deputy").get(reverse("core:notification_open", args=[note.pk]))
    assert response["Location"] == reverse("core:notifications")


def test_someone_elses_message_cannot_be_opened(world, client_for):
    note = _send(world)[0]  # the deputy's
    assert client_for("leader").get(reverse("core:notification_open", args=[note.pk])).status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_one_and_mark_all_read(world, client_for):
    first, second = _send(world)[0], _send(world, title="第二条")[0]
    client = client_for("deputy")
    client.post(reverse("core:notifications"), {"id": [first.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    client.post(reverse("core:notifications"))
    assert not Notification.objects.filter(recipient=world.users["deputy"], read_at__isnull=True).exists()
    # The leader's copies are untouched.
    assert Notification.objects.filter(recipient=world.users["leader"], read_at__isnull=True).count() == 2


@override_settings(RENDA_OUTBOUND_BACKEND="tests.core.test_notifications.RecordingBackend")
def test_sms_goes_out_after_commit_to_the_linked_persons_phone(world, django_capture_on_commit_callbacks):
    RecordingBackend.sent = []
    deputy = world.users["deputy"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _send(world, sms=True)
        assert RecordingBackend.sent == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    # Only the deputy has a linked person with a phone; the leader gets the inbox message only.
    assert [(m.channel, m.to) for m in RecordingBackend.sent] == [("sms", deputy.person.phone)]
    assert RecordingBackend.sent[0].title == "常委会会议通知"


@override_settings(RENDA_OUTBOUND_BACKEND="tests.core.test_notifications.RecordingBackend")
def test_nothing_goes_out_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    RecordingBackend.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _send(world, sms=True)
                raise RuntimeError("later step failed")
        except RuntimeError:
            pass
    assert RecordingBackend.sent == []
    assert not Notification.objects.exists()


def test_email_uses_the_account_address(world, django_capture_on_commit_callbacks):
    leader = world.users["leader"]
    leader.email = "leader@example.gov.cn"
    leader.save()
    with django_capture_on_commit_callbacks(execute=True):
        _send(world, email=True)
    sent = list(outbound.backend().sent)  # type: ignore[attr-defined]
    assert sent[-1].channel == "email" and sent[-1].to == "leader@example.gov.cn"


def test_default_log_backend_masks_the_phone_number(world, django_capture_on_commit_callbacks, caplog):
    assert isinstance(outbound.backend(), outbound.LogBackend)
    phone = world.users["deputy"].person.phone
    with (
        caplog.at_level(logging.INFO, logger="renda.outbound"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _send(world, sms=True)
    assert f"{phone[:3]}****{phone[-4:]}" in caplog.text
    assert phone not in caplog.text


def test_a_failing_backend_does_not_stop_the_others(caplog, monkeypatch):
    class Flaky:
        calls = 0

        def send(self, message: OutboundMessage) -> None:
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise ConnectionError("gateway down")

    monkeypatch.setattr(outbound, "backend", lambda: Flaky())
    outbound.deliver(
        [OutboundMessage("sms", "13800000000", "a", ""), OutboundMessage("sms", "13900000000", "b", "")]
    )
    assert Flaky.calls == 2
    assert "outbound sms failed" in caplog.text
