"""Forms of visits: record a visit, close a follow-up, acknowledge a visit outside the
hours. Input shape only; the rules are in liaison.visits.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from liaison.visits.models import VISIT_TOPICS, FollowUpDepartment, TopicWay, VisitOutcome

TEXT_MAX = 2000


DATE_INVALID = "日付を正しく入力してください（例：2026-11-30）。"


TIME_INVALID = "時刻を「19:00」のように入力してください。"


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        error_messages={"required": f"{label}を入力してください。", "invalid": DATE_INVALID},
        **kwargs,
    )


def _time_field(label: str, **kwargs: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time", "class": "input--time"}),
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={"required": f"{label}を入力してください。", "invalid": TIME_INVALID},
        **kwargs,
    )


def _text_field(label: str, *, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label}は{TEXT_MAX}文字以内で入力してください。"},
        **kwargs,
    )


def _now_minute() -> dt.time:
    return timezone.localtime().time().replace(second=0, microsecond=0)


class VisitForm(forms.Form):
    """One visit (要領 第5): when, the outcome, the topics of 第5-4, what was heard and who
    should act on it. Date and times start at today and now (Tokyo)."""

    date = _date_field("実施日")
    started_at = _time_field("開始時刻")
    ended_at = _time_field("終了時刻")
    outcome = forms.ChoiceField(
        label="結果",
        choices=VisitOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "結果を選んでください。",
            "invalid_choice": "結果を一覧から選んでください。",
        },
    )
    topic_note = _text_field(
        "指導連絡の内容", help_text="伝えた防犯情報や、渡した資料など（任意）。"
    )
    concerns = _text_field(
        "困りごと・意見・要望", help_text="住民から聞いた困りごと・意見・要望（任意）。"
    )
    follow_up_department = forms.ChoiceField(
        label="対応すべき部署",
        choices=[("", "なし"), *FollowUpDepartment.choices],
        required=False,
        help_text="聞いたことに他の部署や関係機関の対応が要るときに選びます。",
        error_messages={"invalid_choice": "対応すべき部署を一覧から選んでください。"},
    )
    follow_up_note = _text_field("対応の内容", rows=2, help_text="部署に伝えること（任意）。")
    outside_hours_reason = _text_field(
        "時間外に行った理由",
        rows=2,
        help_text="おおむね午前8時30分から午後5時まで（承認を受けた夜間は午後8時まで）の外に行った"
        "ときだけ入力します。時間外として記録され、地域課長等が確認します。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"date": timezone.localdate(), "started_at": _now_minute(), "ended_at": _now_minute()},
        )
        super().__init__(*args, **kwargs)
        # 要領 第5-4 (1)〜(5), each in the directive's words, each with what was done.
        for name, label in VISIT_TOPICS.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=[("", "なし"), *TopicWay.choices],
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": "「なし」「指導連絡」「情報提供」「通報依頼」から選んでください。"
                },
            )

    @property
    def topic_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in VISIT_TOPICS]

    def _at(self, name: str) -> dt.datetime:
        local = dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data[name])
        return timezone.make_aware(local, timezone.get_default_timezone())

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "started_at": self._at("started_at"),
            "ended_at": self._at("ended_at"),
            "outcome": data["outcome"],
            "topics": {name: data[name] for name in VISIT_TOPICS if data[name]},
            "topic_note": data["topic_note"],
            "concerns": data["concerns"],
            "follow_up_department": data["follow_up_department"],
            "follow_up_note": data["follow_up_note"],
            "outside_hours_reason": data["outside_hours_reason"],
        }


class FollowUpDoneForm(forms.Form):
    note = _text_field("対応の結果（任意）", rows=2, help_text="どの部署が、どう対応したか。")


class FollowUpInboxCloseForm(forms.Form):
    """Closing a follow-up from the department inbox: what the department did is required."""

    note = forms.CharField(
        label="対応の内容",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="この課が何をしたか。巡回連絡の記録に書き添えられます。",
        error_messages={
            "required": "対応の内容を入力してください。",
            "max_length": f"対応の内容は{TEXT_MAX}文字以内で入力してください。",
        },
    )


class HoursAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="意見（任意）",
        required=False,
        max_length=1000,
        widget=forms.TextInput(),
        error_messages={"max_length": "意見は1000文字以内で入力してください。"},
    )
