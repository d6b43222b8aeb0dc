from django.utils.translation import gettext_lazy as _

from renda.core.nav import NavItem, register

GROUP = _("Budget supervision")

register(
    NavItem(_("Budget dashboard"), "budget:dashboard", "budget.view_budget", "graph-up", 40, GROUP),
    NavItem(_("Execution drill-down"), "budget:drilldown", "budget.view_budget", "diagram-3", 41, GROUP),
    NavItem(_("Payments"), "budget:payments", "budget.view_budget", "receipt", 42, GROUP),
    NavItem(_("Budget alerts"), "budget:alerts", "budget.view_budget", "exclamation-triangle", 43, GROUP),
    NavItem(_("Overdue explanations"), "budget:overdue", "budget.view_budget", "alarm", 44, GROUP),
    NavItem(_("Alert rules"), "budget:rules", "budget.view_budget", "sliders", 45, GROUP),
    NavItem(_("Payment imports"), "budget:imports", "budget.manage_budget", "upload", 46, GROUP),
    NavItem(_("The budget in plain words"), "budget:summary", "budget.view_summary", "book", 47, GROUP),
)
