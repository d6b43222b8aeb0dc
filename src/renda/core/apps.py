from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "renda.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from renda.core import nav, signals  # noqa: F401  (registers nav items and signal handlers)
