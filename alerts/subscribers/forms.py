"""Forms of the subscriber pages: the choices (categories, and the whole prefecture or
municipalities grouped by station), the sign-up (an address and the choices), and an
address change. Input shape only; the services hold the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings

from .links import Choices
from .selectors import SignupOptions

WHOLE = "whole"
CHOSEN = "chosen"


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

    def __init__(self, *args: Any, options: SignupOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        categories = cast(forms.MultipleChoiceField, self.fields["categories"])
        categories.choices = [(str(c.pk), c.name) for c in options.categories]
        municipalities = cast(forms.MultipleChoiceField, self.fields["municipalities"])
        municipalities.choices = [
            (str(m.pk), m.name) for group in options.areas for m in group.municipalities
        ]

    @staticmethod
    def initial_for(choices: Choices) -> dict[str, Any]:
        return {
            "categories": [str(pk) for pk in choices.categories],
            "area": WHOLE if choices.whole_prefecture else CHOSEN,
            "municipalities": [str(pk) for pk in choices.municipalities],
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("area") == CHOSEN and not data.get("municipalities"):
            self.add_error("municipalities", "市町村を1つ以上選んでください。")
        return data

    def choices(self) -> Choices:
        data = self.cleaned_data
        whole = data["area"] == WHOLE
        return Choices(
            categories=tuple(int(pk) for pk in data["categories"]),
            whole_prefecture=whole,
            municipalities=() if whole else tuple(int(pk) for pk in data["municipalities"]),
        )

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
    field_order = ["email", "categories", "area", "municipalities"]

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
