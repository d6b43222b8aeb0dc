from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.budget.importer import FIELDS


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Payment file (CSV or Excel)"))


class MappingForm(forms.Form):
    source = forms.CharField(label=_("Source system"), max_length=80, initial="国库集中支付系统")

    def __init__(
        self, *args: Any, headers: list[str], initial_mapping: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(h, h) for h in headers if h]
        for f in FIELDS:
            self.fields[f"map_{f.name}"] = forms.ChoiceField(
                label=cast(str, f.label),
                choices=choices,
                required=False,
                initial=initial_mapping.get(f.name, ""),
            )
            self.fields[f"map_{f.name}"].renda_required = f.required  # type: ignore[attr-defined]

    def mapping(self) -> dict[str, str]:
        return {f.name: self.cleaned_data.get(f"map_{f.name}", "") for f in FIELDS}


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class DismissForm(StyledForm):
    reason = forms.CharField(label=_("Why the alert is explained"), widget=forms.Textarea(attrs={"rows": 3}))


class RequestForm(StyledForm):
    recipient = forms.CharField(label=_("Ask"), max_length=100, initial="县财政局")
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label=_("Explanation due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_date"].initial = timezone.localdate() + dt.timedelta(days=15)


class AnswerForm(StyledForm):
    answer = forms.CharField(label=_("Explanation received"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(StyledForm):
    resolution = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))


class RunRulesForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
