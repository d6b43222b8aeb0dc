from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "renda.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from renda.core.demo import register_demo_loader
        from renda.core.nav import NavItem, register
        from renda.core.todos import register_todo_provider
        from renda.meetings import demo, rules_law, todos  # noqa: F401

        register(
            NavItem(
                _("Meetings"), "meetings:meeting_list", "meetings.view_meetings", "easel", 20, _("Meetings")
            ),
        )
        register_todo_provider(todos.meeting_todos)
        register_demo_loader(20, "meetings", demo.load)
