from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renda.meetings.models import MeetingKind, PollKind


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=pgettext_lazy("meeting", "Title"), max_length=200)
    number = forms.IntegerField(label=_("Number"), min_value=1, initial=1)
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)


class PollForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PollKind.choices)
    title = forms.CharField(label=pgettext_lazy("meeting", "Title"), max_length=300)
    options = forms.CharField(
        label=_("Options or candidates (one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    seats = forms.IntegerField(label=_("Seats / picks"), min_value=1, initial=1)
    secret = forms.BooleanField(label=_("Secret ballot"), required=False)
    appointment = forms.BooleanField(label=_("Appointment or removal"), required=False)
    paper = forms.BooleanField(label=_("Paper ballot"), required=False)
    countdown_seconds = forms.IntegerField(label=_("Countdown (seconds)"), min_value=1, required=False)
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
