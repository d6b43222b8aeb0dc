import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "renda.budget"
    label = "budget"
    verbose_name = _("Budget")

    def ready(self) -> None:
        from renda.budget import alert_rules, nav  # noqa: F401  (settings and menu entries)
        from renda.budget.demo import load_demo
        from renda.budget.todos import budget_todos
        from renda.core.demo import register_demo_loader
        from renda.core.schedule import register_daily
        from renda.core.todos import register_todo_provider

        register_todo_provider(budget_todos)
        # Before the working day: the time progress has moved since yesterday's check.
        register_daily(
            "budget.rules",
            _("Early-warning rules over this year's payments"),
            "renda.budget.tasks.run_rules_daily",
            dt.time(6, 30),
        )
        register_demo_loader(40, "budget", load_demo)
