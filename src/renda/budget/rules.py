"""Permissions of budget supervision. Committee and budget staff (office staff of the congress)
do everything; leaders read everything; deputies read the plain-language summary of their own
congress; nobody sees another township's budget (object_in_scope and scoped selectors)."""

import rules

from renda.core.rules import is_deputy, is_leader, is_office_staff, object_in_scope

rules.add_perm("budget.view_budget", (is_office_staff | is_leader) & object_in_scope)
rules.add_perm("budget.manage_budget", is_office_staff & object_in_scope)
rules.add_perm("budget.view_summary", (is_office_staff | is_leader | is_deputy) & object_in_scope)
