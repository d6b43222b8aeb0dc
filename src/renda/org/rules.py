import rules

from renda.core.rules import can_see_sensitive, is_internal, is_leader, is_office_staff, object_in_scope

can_read_org = (is_office_staff | is_leader) & object_in_scope

rules.add_perm("org.view_congresses", can_read_org)
rules.add_perm("org.view_terms", can_read_org)
rules.add_perm("org.view_roster", can_read_org)
rules.add_perm("org.view_person", can_read_org)
rules.add_perm("org.view_bodies", can_read_org)
rules.add_perm("org.view_organs", (is_internal) & object_in_scope)
rules.add_perm("org.view_handling_units", can_read_org)
rules.add_perm("org.view_composition", can_read_org)
rules.add_perm("org.import_roster", is_office_staff & object_in_scope)
rules.add_perm("org.change_person", is_office_staff & object_in_scope)
rules.add_perm("org.view_sensitive", can_see_sensitive & object_in_scope)
