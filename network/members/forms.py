"""Forms of the roster: input shape only; the rules are in network.members.services."""

from __future__ import annotations

from django import forms

from accounts.forms.people import DateInput
from accounts.inputs import FREE_TEXT_MAX
from accounts.utils import text
from network.members.models import (
    Channel,
    CommunityGroup,
    ConcurrentPost,
    FoundOccasion,
    GroupKind,
    LiaisonMember,
)
from network.members.services import EDITABLE

_DATE = "日付は「2026-04-01」のように入力してください。"
GROUP_ROWS = 3  # groups a member belongs to, entered at once; more by editing again


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput,
        required=required,
        help_text=help_text,
        error_messages={"required": f"{label}を入力してください。", "invalid": _DATE},
    )


def _text(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        **kwargs,
    )


class GroupForm(forms.Form):
    kind = forms.ChoiceField(
        label="種別",
        choices=GroupKind.choices,
        error_messages={"invalid_choice": "種別を一覧から選んでください。"},
    )
    name = forms.CharField(
        label="名称",
        max_length=100,
        error_messages={"required": "団体の名称を入力してください。"},
    )
    municipality = forms.CharField(
        label="市町", max_length=40, error_messages={"required": "市町を入力してください。"}
    )
    area = forms.CharField(
        label="地域", max_length=200, required=False, help_text="活動する地区・校区など"
    )
    note = _text("備考", required=False)


class MemberForm(forms.Form):
    """A candidate's report (creating) or the 署地域課's edit of a member."""

    name = forms.CharField(
        label="氏名", max_length=60, error_messages={"required": "氏名を入力してください。"}
    )
    name_kana = forms.CharField(
        label="フリガナ",
        max_length=60,
        error_messages={"required": "フリガナを入力してください。"},
    )
    phone = forms.CharField(label="電話番号", max_length=20, required=False)
    email = forms.EmailField(
        label="メールアドレス",
        required=False,
        error_messages={"invalid": "メールアドレスの形式が正しくありません。"},
    )
    postal_code = forms.CharField(
        label="郵便番号", max_length=10, required=False, help_text="例：310-0852"
    )
    address = forms.CharField(label="住所", max_length=200, required=False)
    channel = forms.ChoiceField(
        label="希望する連絡方法",
        choices=Channel.choices,
        initial=Channel.IN_PERSON,
        error_messages={"invalid_choice": "連絡方法を一覧から選んでください。"},
    )
    municipality = forms.CharField(label="市町", max_length=40, required=False)
    posts = forms.MultipleChoiceField(
        label="兼任",
        choices=ConcurrentPost.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "兼任を一覧から選んでください。"},
    )
    beats = forms.TypedMultipleChoiceField(
        label="担当する受持区",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "受持区を一覧から選んでください。"},
    )

    def __init__(self, *args, station, groups, beats, departments, creating, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._officers = {person.pk: person for person in officers}
        self.station = station
        self.creating = creating
        self._groups = {g.pk: g for g in groups}
        self._beats = {b.pk: b for b in beats}
        self._departments = {d.pk: d for d in departments}
        self.fields["beats"].choices = [(b.pk, f"{b.post.name} {b.name}") for b in beats]
        group_choices = [("", "（選ばない）")] + [(g.pk, g.name) for g in groups]
        for row in range(1, GROUP_ROWS + 1):
            self.fields[f"group_{row}"] = forms.TypedChoiceField(
                label=f"所属する団体（{row}）",
                choices=group_choices,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": "団体を一覧から選んでください。"},
            )
            self.fields[f"group_post_{row}"] = forms.CharField(
                label=f"団体での役職（{row}）",
                max_length=40,
                required=False,
                help_text="会長、役員、会員など",
            )
        department_choices = [("", "（選ばない）")] + [(d.pk, d.name) for d in departments]
        if creating:
            self.fields["found_department"] = forms.TypedChoiceField(
                label="把握した課",
                choices=department_choices,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": "課を一覧から選んでください。"},
            )
            self.fields["found_on"] = _date("把握した日")
            self.fields["found_occasion"] = forms.ChoiceField(
                label="把握した機会",
                choices=[("", "選んでください"), *FoundOccasion.choices],
                error_messages={
                    "required": "把握した機会を選んでください。",
                    "invalid_choice": "把握した機会を一覧から選んでください。",
                },
            )
            self.fields["found_note"] = _text("把握の経緯", required=False)
            self.fields["confirm_distinct"] = forms.BooleanField(
                label="別人として登録する", required=False
            )
        else:
            self.fields["found_note"] = _text("把握の経緯", required=False)
            self.fields["department"] = forms.TypedChoiceField(
                label="担当課",
                choices=department_choices,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": "課を一覧から選んでください。"},
            )
            self.fields["officer"] = forms.TypedChoiceField(
                label="担当警察官",
                choices=[("", "（選ばない）")]
                + [(p.pk, f"{p.full_name}（{p.employee_number}）") for p in officers],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": "担当警察官を一覧から選んでください。"},
            )
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_postal_code(self) -> str:
        code = text.postal(self.cleaned_data.get("postal_code", ""))
        if code and not (len(code) == 7 and code.isdigit()):
            raise forms.ValidationError("郵便番号は7桁の数字で入力してください（例：310-0852）。")
        return code

    def clean_phone(self) -> str:
        phone = text.phone(self.cleaned_data.get("phone", ""))
        digits = text.digits(phone)
        if phone and not (digits.startswith("0") and len(digits) in (10, 11)):
            raise forms.ValidationError(
                "電話番号は0から始まる10桁または11桁で入力してください（例：029-123-4567）。"
            )
        return phone

    def clean(self):
        data = super().clean()
        seen: set[int] = set()
        for row in range(1, GROUP_ROWS + 1):
            pk = data.get(f"group_{row}")
            if pk is None:
                if data.get(f"group_post_{row}"):
                    self.add_error(f"group_{row}", "役職を入力したときは団体を選んでください。")
                continue
            if pk in seen:
                self.add_error(f"group_{row}", "同じ団体が二度選ばれています。")
            seen.add(pk)
        return data

    def group_rows(self) -> list[tuple[CommunityGroup, str]]:
        rows = []
        for row in range(1, GROUP_ROWS + 1):
            pk = self.cleaned_data.get(f"group_{row}")
            if pk is not None and pk in self._groups:
                rows.append((self._groups[pk], self.cleaned_data.get(f"group_post_{row}", "")))
        return rows

    def grouped_fields(self):
        """The group rows side by side, for the template."""
        return [
            (self[f"group_{row}"], self[f"group_post_{row}"]) for row in range(1, GROUP_ROWS + 1)
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data.get(name, "") for name in EDITABLE}
        kwargs["groups"] = self.group_rows()
        kwargs["posts"] = list(data.get("posts") or [])
        kwargs["beats"] = [self._beats[pk] for pk in data.get("beats") or []]
        if self.creating:
            kwargs["found_department"] = self._departments.get(data.get("found_department"))
            kwargs["found_on"] = data["found_on"]
            kwargs["found_occasion"] = data["found_occasion"]
            kwargs["confirm_distinct"] = bool(data.get("confirm_distinct"))
        else:
            kwargs["department"] = self._departments.get(data.get("department"))
            kwargs["officer"] = self._officers.get(data.get("officer"))
            kwargs["version"] = data["version"]
        return kwargs

    @classmethod
    def initial_for(cls, member: LiaisonMember, page) -> dict:
        initial = {name: getattr(member, name) for name in EDITABLE}
        initial["version"] = member.version
        initial["department"] = member.department_id
        initial["officer"] = member.officer_id
        initial["posts"] = [p.kind for p in page.posts]
        initial["beats"] = [b.pk for b in page.beats]
        for row, membership in enumerate(page.memberships[:GROUP_ROWS], start=1):
            initial[f"group_{row}"] = membership.group_id
            initial[f"group_post_{row}"] = membership.post
        return initial


class AskForm(forms.Form):
    on = _date("依頼した日")
    reason = _text(
        "依頼の理由・経緯",
        required=False,
        help_text="辞退・退任した方に改めて依頼するときは、前回と異なる新しい理由が必要です。",
    )


class ConsentForm(forms.Form):
    consented_on = _date("承諾日")
    note = _text("備考", required=False)


class DeclineForm(forms.Form):
    declined_on = _date("辞退の日")
    reason = _text("辞退の理由・経緯", required=False, help_text="分かる範囲で（任意）")


class WithdrawForm(forms.Form):
    withdrawn_on = _date("退任日")
    reason = _text("退任の理由・経緯", required=False, help_text="分かる範囲で（任意）")
    confirm = forms.BooleanField(
        label="この方の退任を記録します（連絡員一覧表から外れます）",
        error_messages={"required": "退任を記録するには、確認のチェックを入れてください。"},
    )
