"""What people act on in budget supervision (预算联网监督): budget units, budget lines and their
adjustments, import sources and imports, alert rules, rule runs and alerts. The treasury payment
records themselves live in Parquet files (``renda.budget.store``), not in these tables."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from renda.core.models import Congress


class BudgetUnit(models.Model):
    """预算单位; a department (主管部门) is a unit with no ``department`` above it."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("unit code"), max_length=20)
    name = models.CharField(_("unit name"), max_length=100)
    department = models.ForeignKey(
        "self",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subunits",
    )

    class Meta:
        verbose_name = _("budget unit")
        verbose_name_plural = _("budget units")
        ordering = ["congress", "code"]
        constraints = [models.UniqueConstraint(fields=["congress", "code"], name="budgetunit_unique_code")]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """预算指标: one unit × function code × economic code × project for a year."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        BudgetUnit, verbose_name=_("budget unit"), on_delete=models.PROTECT, related_name="lines"
    )
    function_code = models.CharField(_("function code"), max_length=7)
    economic_code = models.CharField(_("economic code"), max_length=5)
    project_code = models.CharField(_("project code"), max_length=40, blank=True)
    project_name = models.CharField(_("project name"), max_length=200, blank=True)
    fund_source = models.CharField(_("fund source"), max_length=60, blank=True)
    initial_amount = models.DecimalField(_("initial budget"), max_digits=18, decimal_places=2)
    # initial + adjustments, kept by the services
    adjusted_amount = models.DecimalField(_("adjusted budget"), max_digits=18, decimal_places=2)
    is_special_fund = models.BooleanField(_("special fund"), default=False)
    approved_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "unit__code", "function_code", "economic_code", "project_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "unit", "function_code", "economic_code", "project_code"],
                name="budgetline_unique",
            ),
        ]
        indexes = [models.Index(fields=["congress", "year"], name="budgetline_year_idx")]

    def __str__(self) -> str:
        return (
            f"{self.year} {self.unit} {self.function_code}/{self.economic_code} {self.project_name}".strip()
        )


class BudgetAdjustment(models.Model):
    """预算调整 of one line (positive or negative)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="adjustments")
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    adjusted_on = models.DateField(_("adjusted on"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["adjusted_on", "id"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.amount}"


class PaymentStore(models.Model):
    """One row per congress: locked while that congress's Parquet files are written, so two
    imports never both decide a voucher is new."""

    congress = models.OneToOneField(Congress, on_delete=models.PROTECT, related_name="+")
    payment_count = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.congress_id}: {self.payment_count}"


class ImportSource(models.Model):
    """A finance system that sends files; remembers how its columns map to ours."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("source name"), max_length=80)
    mapping = models.JSONField(_("column mapping"), default=dict)  # our field → their column heading

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="importsource_unique")]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FAILED = "failed", _("Rejected")
    DONE = "done", _("Imported")


class PaymentImport(models.Model):
    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.ForeignKey(ImportSource, verbose_name=_("source"), null=True, on_delete=models.PROTECT)
    file_name = models.CharField(_("file name"), max_length=200)
    stored_path = models.CharField(max_length=500)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    phase = models.CharField(_("phase"), max_length=60, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent
    rows_total = models.BigIntegerField(_("rows"), default=0)
    rows_added = models.BigIntegerField(_("rows added"), default=0)
    rows_skipped = models.BigIntegerField(_("rows already imported"), default=0)
    error_count = models.BigIntegerField(_("bad rows"), default=0)
    errors = models.JSONField(default=list)  # the first ERRORS_KEPT of [line, reason]
    message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    ERRORS_KEPT = 5000

    class Meta:
        verbose_name = _("payment import")
        verbose_name_plural = _("payment imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.FAILED, ImportStatus.DONE}


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class AlertRule(models.Model):
    """A row per rule of the library (``renda.budget.alert_rules``), so alerts can point at it;
    name, description, parameters and SQL live with the code, thresholds in rule settings."""

    code = models.CharField(_("rule code"), max_length=40, unique=True)
    name = models.CharField(_("rule name"), max_length=100)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RuleTrigger(models.TextChoices):
    IMPORT = "import", _("after an import")
    MANUAL = "manual", _("started by hand")
    SCHEDULE = "schedule", _("daily schedule")
    DEMO = "demo", _("demo data")


class RuleRun(models.Model):
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    as_of = models.DateField()
    trigger = models.CharField(max_length=20, choices=RuleTrigger.choices)
    payment_import = models.ForeignKey(PaymentImport, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    found = models.JSONField(default=dict)  # rule code → records found
    created = models.JSONField(default=dict)  # rule code → new alerts
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.congress_id} {self.year} {self.started_at}"


class AlertStatus(models.TextChoices):
    NEW = "new", _("Awaiting review")
    EXPLANATION_REQUESTED = "requested", _("Explanation requested")
    ANSWERED = "answered", _("Explanation received")
    DISMISSED = "dismissed", _("Dismissed as explained")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (AlertStatus.NEW, AlertStatus.EXPLANATION_REQUESTED, AlertStatus.ANSWERED)


class Alert(models.Model):
    """预警: what one rule found, identified by a stable key so a re-run never duplicates it. A
    later run that no longer finds the cause records that, but never closes the alert: people do."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        AlertRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="alerts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    key = models.CharField(max_length=200)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    unit = models.ForeignKey(
        BudgetUnit, verbose_name=_("budget unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    title = models.CharField(_("summary"), max_length=300)
    amount = models.DecimalField(_("amount"), null=True, blank=True, max_digits=18, decimal_places=2)
    records = models.JSONField(default=list)  # voucher numbers that raised it (at most RECORDS_KEPT)
    record_count = models.PositiveIntegerField(default=0)
    detail = models.JSONField(default=dict)
    settings_used = models.JSONField(default=list)  # SettingValue.as_record() of each threshold
    status = models.CharField(
        _("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.NEW
    )
    first_seen_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    still_found = models.BooleanField(_("still found by the latest run"), default=True)
    recipient = models.CharField(_("asked"), max_length=100, blank=True)
    question = models.TextField(_("question"), blank=True)
    due_date = models.DateField(_("explanation due"), null=True, blank=True)
    answer = models.TextField(_("explanation"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    RECORDS_KEPT = 200

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-first_seen_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["congress", "rule", "key"], name="alert_unique_key")]
        indexes = [models.Index(fields=["congress", "status"], name="alert_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def as_decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
