import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "renda.suggestions"
    label = "suggestions"
    verbose_name = _("Suggestions")

    def ready(self) -> None:
        from renda.core.schedule import register_daily
        from renda.suggestions import nav, rules, todos  # noqa: F401
        from renda.suggestions.demo import register

        register()
        # Reminders reach the units at the start of the working day.
        register_daily(
            "suggestions.deadline_reminders",
            _("Deadline reminders to handling units"),
            "renda.suggestions.tasks.send_deadline_reminders",
            dt.time(8, 0),
        )
