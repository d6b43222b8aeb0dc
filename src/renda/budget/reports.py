"""The monthly supervision report for the financial and economic committee, as an official
document (GB/T 9704) built with ``OfficialDocument``."""

from __future__ import annotations

import calendar
import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext as _

from renda.budget import selectors
from renda.budget.models import Alert, AlertStatus
from renda.core.documents import DOCX_CONTENT_TYPE, OfficialDocument
from renda.core.exports import attachment
from renda.core.models import Congress
from renda.core.templatetags.renda import cn_date, money, percent, wan


def monthly_report(*, congress: Congress, year: int, month: int) -> bytes:
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    data = selectors.dashboard(congress=congress, year=year, as_of=last)
    doc = OfficialDocument(
        _("Budget execution supervision report for %(year)s-%(month)02d") % {"year": year, "month": month},
        issuer=f"{congress.name}常务委员会财政经济工作机构",
    )
    doc.salutation(_("To the council of chairpersons:"))
    doc.paragraph(
        _(
            "As of %(date)s, the adjusted budget of the year is ¥%(adjusted)s (10k yuan), payments total "
            "¥%(paid)s (10k yuan) in %(count)s treasury payments, an execution rate of %(rate)s against a time "
            "progress of %(progress)s."
        )
        % {
            "date": cn_date(last),
            "adjusted": wan(data["adjusted"]),
            "paid": wan(data["paid"]),
            "count": f"{data['payments']:,}",
            "rate": percent(data["rate"]),
            "progress": percent(data["progress"]),
        }
    )
    doc.heading(_("1. Execution by unit"))
    doc.table(
        [_("Budget unit"), _("Adjusted budget (10k yuan)"), _("Paid (10k yuan)"), _("Execution rate")],
        [[n, wan(a), wan(p), percent(p / a if a else None)] for n, a, p in data["by_unit"][:20]],
    )
    doc.heading(_("2. Early warnings"))
    month_alerts = Alert.objects.filter(congress=congress, year=year, first_seen_at__date__lte=last)
    doc.paragraph(
        _(
            "%(total)s alerts have been raised this year; %(open)s are still being handled and %(closed)s "
            "are closed."
        )
        % {"total": month_alerts.count(), "open": data["alerts_open"], "closed": data["alerts_closed"]}
    )
    doc.table([_("Rule"), _("Alerts")], data["alerts_by_rule"])
    overdue = month_alerts.filter(status=AlertStatus.EXPLANATION_REQUESTED, due_date__lt=last)
    doc.heading(_("3. Explanations overdue"))
    if overdue.exists():
        doc.table(
            [_("Summary"), _("Asked"), _("Explanation due")],
            [[a.title, a.recipient, cn_date(a.due_date)] for a in overdue[:30]],
        )
    else:
        doc.paragraph(_("No explanation is overdue."))
    doc.heading(_("4. Large items of the month"))
    large = month_alerts.filter(rule__code="large_payment", first_seen_at__month=month).order_by("-amount")[
        :10
    ]
    doc.table([_("Summary"), _("Amount")], [[a.title, money(a.amount)] for a in large] or [["—", "—"]])
    doc.signature(f"{congress.name}常务委员会", last)
    return doc.to_bytes()


def monthly_report_response(*, congress: Congress, year: int, month: int) -> HttpResponse:
    content = monthly_report(congress=congress, year=year, month=month)
    return attachment(content, f"预算执行监督月报-{year}-{month:02d}.docx", DOCX_CONTENT_TYPE)
