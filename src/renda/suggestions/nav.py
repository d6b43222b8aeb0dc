from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renda.core.nav import NavItem, register

GROUP = _("Motions and suggestions")

register(
    NavItem(_("My suggestions"), "suggestions:mine", "suggestions.view_mine", "chat-square-text", 30, GROUP),
    NavItem(_("New suggestion"), "suggestions:new", "suggestions.submit", "pencil-square", 31, GROUP),
    NavItem(_("Unit inbox"), "suggestions:inbox", "suggestions.view_inbox", "inbox", 32, GROUP),
    NavItem(_("All suggestions"), "suggestions:list", "suggestions.view_list", "card-list", 33, GROUP),
    NavItem(_("Batch assignment"), "suggestions:batch", "suggestions.manage", "diagram-3", 34, GROUP),
    NavItem(
        pgettext_lazy("list of suggestions", "Overdue"),
        "suggestions:overdue",
        "suggestions.manage",
        "alarm",
        35,
        GROUP,
    ),
    NavItem(_("Handling metrics"), "suggestions:metrics", "suggestions.view_metrics", "bar-chart", 36, GROUP),
    NavItem(_("Unit assessment"), "suggestions:assessment", "suggestions.view_metrics", "award", 37, GROUP),
    NavItem(
        _("Supervision rounds"), "suggestions:rounds", "suggestions.view_round", "signpost-split", 38, GROUP
    ),
    NavItem(_("Import earlier suggestions"), "suggestions:import", "suggestions.manage", "upload", 39, GROUP),
)
