from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from renda.core import schedule, selectors, services
from renda.core.forms import LoginForm, PasswordChangeForm, SettingForm, TokenForm
from renda.core.lists import Column, Filter, ListPage
from renda.core.models import ApiToken, AuditEvent, Congress, Notification, ScheduledRun
from renda.core.permissions import AuthedRequest, permission_required, public
from renda.core.rule_settings import REGISTRY
from renda.core.scope import home_congress, visible_congresses
from renda.core.todos import quick_links_for, todos_for


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    renda_permission = "public"


login_view = public(LoginView.as_view())


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponseBase:
    return auth_views.LogoutView.as_view()(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:workbench")

    def form_valid(self, form: Any) -> HttpResponse:
        user = services.user_set_password(
            actor=self.request.user,  # type: ignore[arg-type]
            user=self.request.user,  # type: ignore[arg-type]
            password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(self.request, user)  # stay logged in here, log out elsewhere
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.success_url)


password_change = permission_required("core.change_own_password")(PasswordChangeView.as_view())


@public
def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@public
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page without a <link rel=icon> (the admin, the API docs)."""
    return redirect(static("core/favicon.svg"), permanent=True)


@public
def home(request: HttpRequest) -> HttpResponse:
    return redirect("core:workbench" if request.user.is_authenticated else "core:login")


@permission_required("core.view_workbench")
def workbench(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    todos = [(t, t.days_left(today)) for t in todos_for(request.user)]
    summary = selectors.workbench_summary(user=request.user, todos=[t for t, _days in todos], today=today)
    return render(
        request,
        "core/workbench.html",
        {
            "page_title": _("Workbench"),
            "greeting": selectors.greeting(now=timezone.localtime()),
            "today": today,
            "todos": todos,
            "summary": summary,
            "home_congress": home_congress(request.user),
            "grants": selectors.role_grant_list(user=request.user),
            "quick_links": quick_links_for(request.user),
            "recent": selectors.notification_list(user=request.user)[:5],
        },
    )


@permission_required("core.view_notifications")
def notifications(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            ids = [int(i) for i in request.POST.getlist("id")]
        except ValueError:
            raise Http404 from None
        count = services.notification_mark_read(actor=request.user, notification_ids=ids or None)
        messages.success(request, _("%(n)s messages marked as read.") % {"n": count})
        return redirect("core:notifications")
    return render(
        request,
        "core/notifications.html",
        {
            "page_title": _("Inbox"),
            "items": selectors.notification_list(user=request.user)[:200],
        },
    )


def _notification(request: AuthedRequest, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk)  # the rule refuses other people's messages


@permission_required("core.view_notifications", get_object=_notification)
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Opening a message marks it read, then follows its link (only ever to this site)."""
    notification: Notification = request.renda_object
    services.notification_mark_read(actor=request.user, notification_ids=[notification.pk])
    url = notification.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = reverse("core:notifications")
    return redirect(url)


@never_cache
@permission_required("core.manage_tokens")
def tokens(request: AuthedRequest) -> HttpResponse:
    """Personal API tokens: the raw token is shown once, in the response to its creation."""
    raw = ""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
            form = TokenForm()
        except ValidationError as exc:
            form.add_error("name", exc)
    return render(
        request,
        "core/tokens.html",
        {
            "page_title": _("API tokens"),
            "form": form,
            "raw_token": raw,
            "tokens": selectors.api_token_list(user=request.user),
        },
    )


def _token(request: AuthedRequest, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk)  # the rule refuses other people's tokens


@require_POST
@permission_required("core.manage_tokens", get_object=_token)
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        services.api_token_revoke(actor=request.user, token=request.renda_object)
        messages.success(request, _("The token has been revoked; systems using it can no longer connect."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("core:tokens")


class AuditLogPage(ListPage):
    permission = "core.view_audit_log"
    title = gettext_lazy("Audit log")
    export_name = "audit-log"
    columns = (
        Column("#", "seq"),
        Column(gettext_lazy("Time"), "occurred_at", fmt="datetime"),
        Column(gettext_lazy("Actor"), "actor_label"),
        Column(gettext_lazy("Congress"), "congress.name"),
        Column(gettext_lazy("Action"), "action"),
        Column(gettext_lazy("Object"), lambda e: f"{e.object_type} {e.object_id}".strip()),
        Column(gettext_lazy("Hash"), lambda e: e.hash[:16]),
    )
    filters = (
        Filter("action", gettext_lazy("Action"), lambda qs, v: qs.filter(action__startswith=v)),
        Filter("actor", gettext_lazy("Actor"), lambda qs, v: qs.filter(actor_label__icontains=v)),
    )

    def queryset(self) -> QuerySet[AuditEvent]:
        return selectors.audit_log_list(user=self.request.user)  # type: ignore[arg-type]


audit_log = AuditLogPage.as_view()


def _trail_object(request: HttpRequest, object_type: str, object_id: str) -> Any:
    from django.apps import apps

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        raise PermissionDenied from None
    return get_object_or_404(model, pk=object_id)


@permission_required("core.view_audit_trail", get_object=_trail_object)
def audit_trail(request: AuthedRequest, object_type: str, object_id: str) -> HttpResponse:
    events = selectors.audit_trail(user=request.user, object_type=object_type, object_id=object_id)
    return render(
        request,
        "core/audit_trail.html",
        {"page_title": _("Audit trail"), "object": request.renda_object, "events": events[:500]},
    )


@permission_required("core.view_rule_settings")
def rule_settings(request: AuthedRequest) -> HttpResponse:
    congresses = visible_congresses(request.user).filter(kind__in=["province", "city", "county"])
    congress = congresses.filter(pk=request.GET.get("congress") or 0).first() or home_congress(request.user)
    if congress is None:
        raise PermissionDenied
    rows = [(REGISTRY[key], value) for key, value in selectors.rule_setting_values(congress=congress)]
    return render(
        request,
        "core/rule_settings.html",
        {
            "page_title": _("Rule settings"),
            "congress": congress,
            "congresses": congresses,
            "rows": rows,
            "can_change": request.user.has_perm("core.change_rule_settings", congress),
        },
    )


@require_POST
@permission_required("core.view_rule_settings")
def rule_setting_change(request: AuthedRequest, congress_id: int, key: str) -> HttpResponse:
    congress = get_object_or_404(Congress, pk=congress_id)
    if not request.user.has_perm("core.change_rule_settings", congress) or key not in REGISTRY:
        raise PermissionDenied
    form = SettingForm(request.POST)
    if form.is_valid():
        raw = form.cleaned_data["value"]
        try:
            services.congress_setting_set(actor=request.user, congress=congress, key=key, value=raw)
            messages.success(request, _("Setting saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Please enter a value."))
    return redirect(f"{reverse('core:rule_settings')}?congress={congress.pk}")


def _started_by(run: ScheduledRun) -> str:
    user = run.started_by
    if user is None:
        return _("Daily schedule") if not run.manual else ""
    return user.get_full_name() or user.username


class SchedulePage(ListPage):
    permission = "core.view_schedule"
    title = gettext_lazy("Scheduled jobs")
    export_name = "scheduled-runs"
    template_name = "core/schedule.html"
    empty_hint = gettext_lazy("No job has started yet.")
    columns = (
        Column(gettext_lazy("Job"), lambda r: schedule.job_label(r.job)),
        Column(gettext_lazy("Day"), "day", fmt="date"),
        Column(gettext_lazy("Started at"), "started_at", fmt="datetime"),
        Column(gettext_lazy("Started by"), lambda r: _started_by(r)),
        Column(gettext_lazy("Status"), lambda r: schedule.status_label(r.status)),
    )

    def queryset(self) -> QuerySet[ScheduledRun]:
        return selectors.scheduled_run_list()

    def extra_context(self) -> dict[str, Any]:
        return {"jobs": selectors.scheduled_jobs(now=timezone.now())}


schedule_page = SchedulePage.as_view()


@require_POST
@permission_required("core.run_scheduled_job")
def schedule_run(request: AuthedRequest, name: str) -> HttpResponse:
    if name not in schedule.JOBS:
        raise Http404
    schedule.scheduled_run_start_now(actor=request.user, name=name)
    messages.success(
        request, _("“%(job)s” has been handed to the task worker.") % {"job": schedule.job_label(name)}
    )
    return redirect("core:schedule")
