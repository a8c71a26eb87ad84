"""The category form of the 運用総括管理者: input shape only; the rules (the 係 belong to the
所管, a 係 for the off-hours route 「別の係」, one name per category, the stale edit) are in
Category.clean and alerts.categories.services."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.inputs import FREE_TEXT_MAX
from accounts.models import Division, DivisionSection

from .models import Category, OffHoursRoute
from .services import EDITABLE

FLAGS = (
    "is_urgent",
    "is_immediate",
    "needs_case_number",
    "needs_victim_consent",
    "needs_publication_request",
    "needs_family_consent",
    "arrest_needs_press_release",
    "needs_overall_consult",
    "reminds_follow_up",
)


def _label(name: str) -> str:
    return str(Category._meta.get_field(name).verbose_name)


def _help(name: str) -> str:
    return str(Category._meta.get_field(name).help_text)


def _text(name: str, *, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=_label(name),
        required=False,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_label("name"),
        max_length=40,
        error_messages={"required": "配信区分の名称を入力してください。"},
    )
    kinds = forms.CharField(
        label=_label("kinds"),
        max_length=200,
        required=False,
        help_text="作成者に示す事案の種別を「、」で区切って（例：つきまとい事案、声かけ事案）",
    )
    definition = _text("definition", rows=4, help_text="通達の定義・配信内容の文言")
    excludes = _text(
        "excludes", help_text="この区分で配信しないもの（例：職員募集案内、各種講習会の開催案内）"
    )
    division = forms.TypedChoiceField(
        label=_label("division"),
        coerce=int,
        error_messages={
            "required": "所管の所属を選んでください。",
            "invalid_choice": "所管の所属を一覧から選んでください。",
        },
    )
    section = forms.TypedChoiceField(
        label=_label("section"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text="所管の所属の係（係を置かない所属は「（なし）」）",
        error_messages={"invalid_choice": "担当係を一覧から選んでください。"},
    )
    off_hours_route = forms.ChoiceField(
        label=_label("off_hours_route"),
        choices=OffHoursRoute.choices,
        initial=OffHoursRoute.SAME,
        widget=forms.RadioSelect,
        help_text="執務時間外に警察署から報告を受ける先（通達 4）",
        error_messages={
            "required": "執務時間外の報告先を選んでください。",
            "invalid_choice": "執務時間外の報告先を一覧から選んでください。",
        },
    )
    off_hours_section = forms.TypedChoiceField(
        label=_label("off_hours_section"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text="執務時間外の報告先が「別の係」のときだけ選びます。",
        error_messages={"invalid_choice": "報告先の係を一覧から選んでください。"},
    )
    order = forms.IntegerField(
        label=_label("order"),
        min_value=0,
        max_value=999,
        initial=0,
        help_text="一覧と選択肢に並ぶ順（小さいほど先）",
        error_messages={
            "required": "表示順を入力してください。",
            "invalid": "表示順は数字で入力してください。",
            "min_value": "表示順は0以上にしてください。",
            "max_value": "表示順は999以下にしてください。",
        },
    )
    is_active = forms.BooleanField(
        label=_label("is_active"),
        required=False,
        initial=True,
        help_text="使用をやめた区分は、新しい配信文と会員の選択肢に出ません（これまでの配信は残ります）。",
    )

    def __init__(
        self, *args: Any, divisions: list[Division], creating: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating
        self._divisions = {d.pk: d for d in divisions}
        self._sections: dict[int, DivisionSection] = {
            s.pk: s for d in divisions for s in d.sections.all()
        }
        self.fields["division"].choices = [("", "選んでください")] + [
            (d.pk, d.name) for d in divisions
        ]
        grouped: list[Any] = [("", "（なし）")]
        grouped += [
            (d.name, [(s.pk, s.name) for s in d.sections.all()])
            for d in divisions
            if d.sections.all()
        ]
        self.fields["section"].choices = grouped
        self.fields["off_hours_section"].choices = grouped
        for name in FLAGS:
            self.fields[name] = forms.BooleanField(
                label=_label(name), required=False, help_text=_help(name)
            )
        if creating:
            self.fields["code"] = forms.SlugField(
                label=_label("code"),
                max_length=30,
                help_text="半角英小文字・数字・ハイフン（例：suspicious）。後から変えられません。",
                error_messages={
                    "required": "区分コードを入力してください。",
                    "invalid": "区分コードは半角英数字とハイフンで入力してください。",
                },
            )
            self.order_fields(["code"])
        else:
            self.fields["reason"] = forms.CharField(
                label="変更の理由",
                max_length=200,
                required=False,
                help_text="変更履歴に残ります（例：通達の改正による）。",
            )
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def flag_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in FLAGS]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {name: data.get(name) for name in EDITABLE}
        for name in ("kinds", "definition", "excludes"):
            kwargs[name] = data.get(name) or ""
        kwargs["division"] = self._divisions[data["division"]]
        kwargs["section"] = self._sections.get(data.get("section"))  # type: ignore[arg-type]
        kwargs["off_hours_section"] = self._sections.get(data.get("off_hours_section"))  # type: ignore[arg-type]
        for name in FLAGS:
            kwargs[name] = bool(data.get(name))
        kwargs["is_active"] = bool(data.get("is_active"))
        if self.creating:
            kwargs["code"] = data["code"]
        else:
            kwargs["version"] = data["version"]
            kwargs["reason"] = data.get("reason") or ""
        return kwargs

    @classmethod
    def initial_for(cls, category: Category) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(category, name) for name in EDITABLE}
        initial["division"] = category.division_id
        initial["section"] = category.section_id
        initial["off_hours_section"] = category.off_hours_section_id
        initial["version"] = category.version
        return initial
