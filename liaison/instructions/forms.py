"""署長指示 (要領 第5-1): what the 署長 types. Input shape only: which cards exist in the
station, and the rules of a period, are liaison.instructions.services.station_instruction_issue's."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone

from liaison import text
from liaison.instructions.models import StationInstruction
from liaison.visits.forms import TEXT_MAX, _date_field

_SEPARATORS = re.compile(r"[\s,、，・]+")


class StationInstructionForm(forms.Form):
    action = forms.ChoiceField(
        label="指示",
        choices=StationInstruction.Action.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "「対象から除く」か「対象に加える」を選んでください。",
            "invalid_choice": "「対象から除く」か「対象に加える」を選んでください。",
        },
    )
    cards = forms.CharField(
        label="カード番号",
        required=False,
        max_length=4000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="カードの画面に表示される番号。複数は空白か読点（、）で区切ります（例：12、15、31）。",
        error_messages={"max_length": "カード番号が長すぎます。"},
    )
    areas = forms.CharField(
        label="地域（町字・丁目）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="1行に1つ。町字だけ（例：千波町）ならその丁目すべて、丁目まで（例：千波町一丁目）"
        "ならその丁目だけが対象です。",
        error_messages={"max_length": "地域は2000文字以内で入力してください。"},
    )
    reason = forms.CharField(
        label="理由",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "指示の理由を入力してください（例：災害により立入りが制限されているため）。",
            "max_length": f"理由は{TEXT_MAX}文字以内で入力してください。",
        },
    )
    starts_on = _date_field("開始日")
    ends_on = _date_field("終了日")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_cards(self) -> list[int]:
        value = text.nfkc(self.cleaned_data["cards"]).replace("No.", "").replace("No", "")
        numbers = [part for part in _SEPARATORS.split(value) if part]
        wrong = [part for part in numbers if not part.isascii() or not part.isdigit()]
        if wrong:
            raise forms.ValidationError(
                f"カード番号は数字で入力してください（「{wrong[0][:20]}」は番号ではありません）。"
            )
        too_long = [part for part in numbers if len(part) > 18]
        if too_long:
            raise forms.ValidationError(f"カード番号「{too_long[0][:20]}…」のカードはありません。")
        return [int(part) for part in numbers]

    def clean_areas(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["areas"].splitlines() if line.strip()]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "action": data["action"],
            "card_ids": data["cards"],
            "areas": data["areas"],
            "reason": data["reason"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
        }
