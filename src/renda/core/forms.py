from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user name or password is wrong. Please check and try again."),
        "inactive": _("This account has been disabled."),
    }


class SettingForm(forms.Form):
    value = forms.CharField(label=_("Value"), max_length=200)
