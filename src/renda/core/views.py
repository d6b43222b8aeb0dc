from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from renda.core import selectors, services
from renda.core.forms import LoginForm, SettingForm
from renda.core.lists import Column, Filter, ListPage
from renda.core.models import AuditEvent, Congress
from renda.core.permissions import permission_required, public
from renda.core.rule_settings import REGISTRY
from renda.core.scope import home_congress, visible_congresses
from renda.core.todos import todos_for


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    renda_permission = "public"


login_view = public(LoginView.as_view())


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    return auth_views.LogoutView.as_view()(request)


@public
def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@public
def home(request: HttpRequest) -> HttpResponse:
    return redirect("core:workbench" if request.user.is_authenticated else "core:login")


@permission_required("core.view_workbench")
def workbench(request: HttpRequest) -> HttpResponse:
    todos = todos_for(request.user)  # type: ignore[arg-type]
    return render(request, "core/workbench.html", {
        "page_title": _("Workbench"),
        "todos": todos,
        "home_congress": home_congress(request.user),
        "recent": selectors.notification_list(user=request.user)[:5],  # type: ignore[arg-type]
    })


@permission_required("core.view_notifications")
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        ids = request.POST.getlist("id")
        services.notification_mark_read(actor=request.user, notification_ids=[int(i) for i in ids] if ids else None)  # type: ignore[arg-type]
        return redirect("core:notifications")
    return render(request, "core/notifications.html", {
        "page_title": _("Inbox"),
        "items": selectors.notification_list(user=request.user)[:200],  # type: ignore[arg-type]
    })


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
def audit_trail(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    events = selectors.audit_trail(user=request.user, object_type=object_type, object_id=object_id)  # type: ignore[arg-type]
    return render(request, "core/audit_trail.html", {
        "page_title": _("Audit trail"), "object": request.renda_object, "events": events[:500],  # type: ignore[attr-defined]
    })


@permission_required("core.view_rule_settings")
def rule_settings(request: HttpRequest) -> HttpResponse:
    congresses = visible_congresses(request.user).filter(kind__in=["province", "city", "county"])  # type: ignore[arg-type]
    congress = congresses.filter(pk=request.GET.get("congress") or 0).first() or home_congress(request.user)
    if congress is None:
        raise PermissionDenied
    rows = [(REGISTRY[key], value) for key, value in selectors.rule_setting_values(congress=congress)]
    return render(request, "core/rule_settings.html", {
        "page_title": _("Rule settings"), "congress": congress, "congresses": congresses, "rows": rows,
        "can_change": request.user.has_perm("core.change_rule_settings", congress),
    })


@require_POST
@permission_required("core.view_rule_settings")
def rule_setting_change(request: HttpRequest, congress_id: int, key: str) -> HttpResponse:
    congress = get_object_or_404(Congress, pk=congress_id)
    if not request.user.has_perm("core.change_rule_settings", congress) or key not in REGISTRY:
        raise PermissionDenied
    form = SettingForm(request.POST)
    if form.is_valid():
        raw = form.cleaned_data["value"]
        try:
            services.congress_setting_set(actor=request.user, congress=congress, key=key, value=raw)  # type: ignore[arg-type]
            messages.success(request, _("Setting saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Please enter a value."))
    return redirect(f"{reverse('core:rule_settings')}?congress={congress.pk}")
