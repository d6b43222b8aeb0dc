from django.utils.translation import gettext_lazy as _

from renda.core.nav import NavItem, register

GROUP = _("Congress and deputies")

register(
    NavItem(_("Congresses"), "org:congress_list", "org.view_congresses", "diagram-3", 10, GROUP),
    NavItem(_("Terms"), "org:term_list", "org.view_terms", "calendar3", 11, GROUP),
    NavItem(_("Deputies"), "org:deputy_list", "org.view_roster", "people", 12, GROUP),
    NavItem(_("Bodies"), "org:body_list", "org.view_bodies", "building", 13, GROUP),
    NavItem(_("Organs"), "org:organ_list", "org.view_organs", "bank", 14, GROUP),
    NavItem(_("Handling units"), "org:unit_list", "org.view_handling_units", "briefcase", 15, GROUP),
)
