"""What a due date shows. While it is open: the date and the days left or overdue. Once it is met:
what was done (已答复 / 已办结 / 已提出意见) and whether on time or how many days late — never
"days left" for work already done. A release window (退回) that passed is closed, not overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from renda.core.templatetags.renda import cn_date, days_left

if TYPE_CHECKING:
    from renda.suggestions.models import Deadline, Suggestion


@dataclass(frozen=True)
class DueState:
    due: dt.date | None
    met_on: dt.date | None = None
    done: str = ""  # what meeting it means, e.g. 已答复
    cancelled: bool = False
    window: bool = False  # a time to act in, not an obligation (the release request)

    @property
    def is_open(self) -> bool:
        return self.due is not None and self.met_on is None and not self.cancelled

    @property
    def is_overdue(self) -> bool:
        return self.is_open and not self.window and self.due is not None and self.due < timezone.localdate()

    @property
    def late_days(self) -> int:
        if self.met_on is None or self.due is None:
            return 0
        return max(0, (self.met_on - self.due).days)

    @property
    def text(self) -> str:
        if self.due is None:
            return ""
        if self.cancelled:
            return _("cancelled")
        if self.met_on is not None:
            timing = _("%(days)s days late") % {"days": self.late_days} if self.late_days else _("on time")
            return f"{self.done} · {timing}"
        if self.window and self.due < timezone.localdate():
            return pgettext("release window", "closed")
        return f"{cn_date(self.due)} · {days_left(self.due)}"

    @property
    def css(self) -> str:
        if self.is_overdue:
            return "text-danger fw-bold"
        if self.met_on is not None:
            return "text-danger" if self.late_days else "text-success"
        if self.cancelled or (self.window and self.due is not None and self.due < timezone.localdate()):
            return "text-muted"
        return "text-body"

    @property
    def hint(self) -> str:
        """The dates behind the text, for a tooltip."""
        if self.due is None:
            return ""
        if self.met_on is not None:
            return _("due %(due)s, done %(done)s") % {"due": cn_date(self.due), "done": cn_date(self.met_on)}
        return _("due %(due)s") % {"due": cn_date(self.due)}

    def html(self) -> SafeString:
        if self.due is None:
            return SafeString("")
        return format_html(
            '<span class="{}" title="{}" data-due="{}" data-due-state="{}">{}</span>',
            self.css,
            self.hint,
            self.due.isoformat(),
            "met" if self.met_on else ("overdue" if self.is_overdue else "open"),
            self.text,
        )

    def __str__(self) -> str:
        return self.text


def deadline_state(deadline: Deadline) -> DueState:
    from renda.suggestions.models import DeadlineKind

    done = {
        DeadlineKind.REPLY: pgettext("deadline", "replied"),
        DeadlineKind.REHANDLE: pgettext("deadline", "replied"),
        DeadlineKind.OPINION: pgettext("deadline", "opinion sent"),
        DeadlineKind.RELEASE: pgettext("deadline", "release requested"),
    }.get(DeadlineKind(deadline.kind), "")
    return DueState(
        deadline.due_date,
        deadline.met_on,
        done,
        deadline.cancelled,
        window=deadline.kind == DeadlineKind.RELEASE,
    )


def replied_state(*, status: str, replied_on: dt.date | None, reply_due: dt.date | None) -> DueState:
    from renda.suggestions.models import Status

    done = pgettext("deadline", "closed") if status == Status.CLOSED else pgettext("deadline", "replied")
    return DueState(reply_due, replied_on, done)


def suggestion_state(s: Suggestion) -> DueState:
    """The reply deadline of a suggestion as a list row shows it. Uses what ``selectors.with_due_state``
    annotates (the open reply or re-handling deadline, the latest reply), else the stored figures."""
    from renda.suggestions.models import Status

    if s.status in (Status.REPLIED, Status.CLOSED):
        replied_on = getattr(s, "last_replied_on", None) or s.first_replied_on
        due = getattr(s, "last_reply_due", None) or s.reply_due
        if replied_on is not None:
            return replied_state(status=s.status, replied_on=replied_on, reply_due=due)
        return DueState(None)
    if s.status in (Status.ASSIGNED, Status.REHANDLING):
        open_due: Any = getattr(s, "open_due", None)
        if open_due is not None:
            return DueState(open_due)
        return DueState(s.reply_due if s.status == Status.ASSIGNED else None)
    return DueState(None)


def assignment_state(a: Any) -> DueState:
    """A unit inbox row (``selectors.unit_inbox``): the unit's nearest open due date, else the reply."""
    if getattr(a, "current_due", None) is not None:
        return DueState(a.current_due)
    replied_on = getattr(a, "last_replied_on", None)
    if replied_on is not None:
        return replied_state(
            status=a.suggestion.status, replied_on=replied_on, reply_due=getattr(a, "last_reply_due", None)
        )
    return DueState(None)
