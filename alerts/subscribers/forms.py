"""Forms of the subscriber pages: the choices (categories, the whole prefecture or
municipalities grouped by station, and the receive-time band), the sign-up (an address and the choices), and an
address change. Input shape only; the services hold the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.conf import settings

from . import bands
from .links import Choices
from .selectors import SignupOptions

WHOLE = "whole"
CHOSEN = "chosen"
ANY_TIME = "any"
BAND = "band"


def _address_help() -> str:
    return (
        f"携帯電話などで迷惑メール対策をしている場合は、先に「{settings.ALERTS_SENDING_DOMAIN}」"
        "からのメールを受け取れるよう設定（ドメイン指定受信）してください。"
    )


class ChoicesForm(forms.Form):
    """What to receive and where: the same on the sign-up, the subscriber's page and staff's."""

    categories = forms.MultipleChoiceField(
        label="受け取る情報",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "受け取る情報を1つ以上選んでください。"},
    )
    area = forms.ChoiceField(
        label="地域",
        choices=[(WHOLE, "県内全域"), (CHOSEN, "市町村を選ぶ")],
        widget=forms.RadioSelect,
        error_messages={"required": "地域を選んでください。"},
    )
    municipalities = forms.MultipleChoiceField(
        label="市町村",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="「市町村を選ぶ」のときに、情報を受け取りたい市町村を選んでください（複数可）。",
    )
    band = forms.ChoiceField(
        label="受信する時間帯",
        choices=[(ANY_TIME, "いつでも受け取る"), (BAND, "時間帯を決める")],
        widget=forms.RadioSelect,
        initial=ANY_TIME,
        # Not given (a page from before bands existed, still open in a browser): any time.
        required=False,
    )
    band_start = forms.ChoiceField(label="開始時刻", required=False)
    band_end = forms.ChoiceField(label="終了時刻", required=False)

    def __init__(self, *args: Any, options: SignupOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        categories = cast(forms.MultipleChoiceField, self.fields["categories"])
        categories.choices = [(str(c.pk), c.name) for c in options.categories]
        municipalities = cast(forms.MultipleChoiceField, self.fields["municipalities"])
        municipalities.choices = [
            (str(m.pk), m.name) for group in options.areas for m in group.municipalities
        ]
        # Only the half hours of 配信時間 are offered; anything else posted is refused at the
        # field in the same words the services use.
        times = [("", "選んでください")] + [
            (t.strftime("%H:%M"), bands.clock_label(t)) for t in bands.band_times()
        ]
        outside = f"配信時間（{bands.hours_label()}）の中で、30分単位で選んでください。"
        for name in ("band_start", "band_end"):
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = times
            field.error_messages["invalid_choice"] = outside

    @staticmethod
    def initial_for(choices: Choices) -> dict[str, Any]:
        banded = choices.band_start is not None and choices.band_end is not None
        return {
            "categories": [str(pk) for pk in choices.categories],
            "area": WHOLE if choices.whole_prefecture else CHOSEN,
            "municipalities": [str(pk) for pk in choices.municipalities],
            "band": BAND if banded else ANY_TIME,
            "band_start": choices.band_start.strftime("%H:%M") if choices.band_start else "",
            "band_end": choices.band_end.strftime("%H:%M") if choices.band_end else "",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("area") == CHOSEN and not data.get("municipalities"):
            self.add_error("municipalities", "市町村を1つ以上選んでください。")
        if data.get("band") != BAND:
            # "Any time": the times left in the selects mean nothing, right or wrong.
            for name in ("band_start", "band_end"):
                self.errors.pop(name, None)
        else:
            # Both ends are needed to make a band; the rest of its rules are the services'.
            for name, what in (("band_start", "開始"), ("band_end", "終了")):
                if name not in self.errors and not data.get(name):
                    self.add_error(name, f"{what}の時刻を選んでください。")
        return data

    def choices(self) -> Choices:
        data = self.cleaned_data
        whole = data["area"] == WHOLE
        banded = data["band"] == BAND
        return Choices(
            categories=tuple(int(pk) for pk in data["categories"]),
            whole_prefecture=whole,
            municipalities=() if whole else tuple(int(pk) for pk in data["municipalities"]),
            band_start=dt.time.fromisoformat(data["band_start"]) if banded else None,
            band_end=dt.time.fromisoformat(data["band_end"]) if banded else None,
        )

    def band_note(self) -> dict[str, Any]:
        """What the band's fieldset explains: the urgent categories by name, and the digest."""
        return {
            "urgent": self.options.urgent,
            "digest_after": settings.ALERTS_DIGEST_AFTER,
            "digest_time": bands.clock_label(bands.clock(settings.ALERTS_DIGEST_TIME)),
            "hours": bands.hours_label(),
        }

    # For the template: each category's box with its definition, and the municipalities'
    # boxes under their station.
    def category_rows(self) -> list[tuple[Any, Any]]:
        boxes = {str(box.data["value"]): box for box in self["categories"]}
        return [(boxes[str(c.pk)], c) for c in self.options.categories]

    def area_groups(self) -> list[tuple[Any, list[Any]]]:
        boxes = {str(box.data["value"]): box for box in self["municipalities"]}
        return [
            (group.station, [boxes[str(m.pk)] for m in group.municipalities])
            for group in self.options.areas
        ]


class SignupForm(ChoicesForm):
    email = forms.EmailField(
        label="メールアドレス",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"required": "メールアドレスを入力してください。"},
    )
    field_order = [
        "email",
        "categories",
        "area",
        "municipalities",
        "band",
        "band_start",
        "band_end",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _address_help()


class AddressForm(forms.Form):
    email = forms.EmailField(
        label="新しいメールアドレス",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"required": "新しいメールアドレスを入力してください。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = (
            _address_help()
            + " 新しいアドレスに確認メールを送ります。リンクを開くまで、今のアドレスに届きます。"
        )
