from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user name or password is wrong. Please check and try again."),
        "inactive": _("This account has been disabled."),
    }


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("Your current password is wrong. Please enter it again."),
        "password_mismatch": _("The two new passwords do not match."),
    }


class SettingForm(forms.Form):
    value = forms.CharField(label=pgettext_lazy("rule setting", "Value"), max_length=200)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What will use the token"),
        max_length=80,
        help_text=_("For example: the finance bureau's data exchange, or a mobile app."),
    )
