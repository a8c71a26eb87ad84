"""緊急閲覧 (break the glass): station, purpose, reason and the name or number to look for.

Input shape only. The rules (who may, which cards, the reason's length) are in
liaison.glass.services.break_glass_open; the reason is checked here too because the search step
runs before any service is called.
"""

from __future__ import annotations

from django import forms

from accounts.models import Station
from liaison.glass.models import BreakGlassPurpose

REASON_MIN_LENGTH = 10


REASON_TOO_SHORT = "理由を具体的に入力してください（10文字以上。例：○○事案の照会のため）。"


class StationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Station) -> str:
        return obj.name


class BreakGlassForm(forms.Form):
    station = StationChoiceField(
        label="警察署",
        queryset=Station.objects.none(),
        empty_label="選択してください",
        error_messages={
            "required": "警察署を選んでください。",
            "invalid_choice": "警察署を一覧から選んでください。",
        },
    )
    purpose = forms.ChoiceField(
        label="目的",
        choices=[("", "選択してください"), *BreakGlassPurpose.choices],
        error_messages={
            "required": "緊急閲覧の目的を選んでください。",
            "invalid_choice": "緊急閲覧の目的を一覧から選んでください。",
        },
    )
    reason = forms.CharField(
        label="理由",
        max_length=500,
        min_length=REASON_MIN_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="事案の内容と、このカードを見る必要を具体的に（10文字以上）。監査で確認されます。",
        error_messages={
            "required": "緊急閲覧の理由を入力してください。",
            "min_length": REASON_TOO_SHORT,
            "max_length": "理由は500文字以内で入力してください。",
        },
    )
    query = forms.CharField(
        label="検索語",
        max_length=100,
        help_text="氏名（漢字・カナ）または電話番号。全角・半角、ひらがな・カタカナを問いません。",
        error_messages={
            "required": "探す方の氏名または電話番号を入力してください。",
            "max_length": "検索語は100文字以内で入力してください。",
        },
    )

    def __init__(self, *args, stations, searching: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        stations = list(stations)
        self.stations = stations
        self.fields["station"].queryset = Station.objects.filter(pk__in=[s.pk for s in stations])
        if len(stations) == 1:
            # One station: nothing to choose; the page names it.
            self.fields["station"].widget = forms.HiddenInput()
            self.fields["station"].initial = stations[0].pk
            if self.is_bound and not self.data.get(self.add_prefix("station")):
                self.data = self.data.copy()
                self.data[self.add_prefix("station")] = str(stations[0].pk)
        self.searching = searching

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < REASON_MIN_LENGTH:
            raise forms.ValidationError(REASON_TOO_SHORT)
        return reason

    def clean(self):
        cleaned = super().clean()
        if not self.searching:
            # Opening a card found by the search needs only the purpose and the reason
            # again; the page shown on a refusal still marks the search fields as required.
            for name in ("station", "query"):
                self._errors.pop(name, None)
        return cleaned
