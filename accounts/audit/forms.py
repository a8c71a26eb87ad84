"""Forms of the HQ audit, input shape only: the access-log search and its period, the
change-history search, the anomaly cases (filter, review step, detection day) and the month
of the audit report. Names are turned into ids by selectors.event_filter_resolve; the rules
(which move is allowed, what its note must say) are in accounts.audit.cases."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo
from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.safestring import mark_safe

from ..forms.fields import MonthField
from ..forms.people import DateInput
from ..inputs import validate_date_range
from ..models import AccessEvent, AnomalyCase, Station
from . import registry
from .cases import NOTE_REQUIRED
from .events import Cursor
from .history import Cursor as HistoryCursor
from .history import HistoryFilter

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
_MINUTE = dt.timedelta(minutes=1)
_DAY = dt.timedelta(days=1)
# 2026-04-01, 2026/4/1, 2026-04-01T09:30 (an <input type="datetime-local">), 2026-04-01 9:30
_MOMENT = re.compile(
    r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:[T ](?P<hh>\d{1,2}):(?P<mm>\d{2})(?::\d{2}(?:\.\d+)?)?)?$"
)
FORMAT_ERROR = (
    "日付の形式が正しくありません。2026-04-01 のように、"
    "時刻まで指定するときは 2026-04-01T09:30 のように入力してください。"
)


class MomentField(forms.CharField):
    """A Tokyo date or date and minute, as typed: cleaned to (aware datetime, date only?)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 25)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"placeholder": "2026-04-01 または 2026-04-01T09:30", "class": "input--short"}
            ),
        )
        kwargs.setdefault("error_messages", {"max_length": FORMAT_ERROR})
        super().__init__(**kwargs)

    def clean(self, value):
        text = unicodedata.normalize("NFKC", super().clean(value) or "").strip()
        if not text:
            return None
        match = _MOMENT.match(text)
        if match is None:
            raise ValidationError(FORMAT_ERROR, code="invalid")
        parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
        try:
            moment = dt.datetime(
                parts["y"],
                parts["m"],
                parts["d"],
                parts.get("hh", 0),
                parts.get("mm", 0),
                tzinfo=TOKYO,
            )
        except ValueError:
            raise ValidationError("存在しない日付・時刻です。", code="invalid") from None
        validate_date_range(moment.date())
        return moment, "hh" not in parts


class AccessEventRangeForm(forms.Form):
    """開始・終了 and the page cursor: what every audit list takes.

    The end is inclusive: a date covers that whole day, a time that whole minute.
    """

    start = MomentField(label="開始")
    end = MomentField(label="終了", help_text="終了の日（時刻を指定したときはその分）を含みます。")
    # The keyset cursor of 「次の50件」: not shown, and never part of a new search.
    after = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def clean_after(self) -> Cursor | None:
        text = self.cleaned_data.get("after") or ""
        if not text:
            return None
        cursor = Cursor.decode(text)
        if cursor is None:
            raise ValidationError(
                "ページ送りの指定が正しくありません。「最新に戻る」から表示し直してください。"
            )
        return cursor

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and self.bounds()[1] <= start[0]:
            self.add_error("end", "終了が開始より前です。")
        return cleaned

    def bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[start, end) in aware datetimes, the end made exclusive."""
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        lower = start[0] if start else None
        upper = None
        if end is not None:
            moment, date_only = end
            upper = moment + (_DAY if date_only else _MINUTE)
        return lower, upper

    @property
    def used(self) -> bool:
        """Whether any condition (not the cursor) was given."""
        return any(self.data.get(name) for name in self.fields if name != "after")


class ListSelect(forms.Select):
    """Django's Select, its options written here as one string: select.html draws each option
    through select_option.html and attrs.html (two includes and a dozen nodes an option), and
    the search's 警察署 and 操作 lists (about fifty options) cost more that way than the page's
    query. The same markup for options that carry no attribute but `selected`."""

    template_name = "accounts/audit/widgets/select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        parts = []
        for group_name, options, _ in context["widget"]["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(str(group_name))}">')
            for option in options:
                selected = " selected" if option["selected"] else ""
                parts.append(
                    f'\n  <option value="{escape(str(option["value"]))}"{selected}>'
                    f"{escape(str(option['label']))}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        # Every value went through escape(); the rest is constant markup.
        context["widget"]["options_html"] = mark_safe("".join(parts))  # noqa: S308
        return context


class AccessEventFilterForm(AccessEventRangeForm):
    """閲覧記録の検索. Every field optional; no field at all shows the latest events."""

    person = forms.CharField(
        label="職員（職員番号・氏名）",
        required=False,
        max_length=60,
        help_text="職員番号は完全一致、氏名・フリガナは一部でも検索できます。",
    )
    station = forms.ModelChoiceField(
        label="警察署",
        queryset=Station.objects.order_by("code"),
        required=False,
        empty_label="すべて",
        widget=ListSelect,
        error_messages={"invalid_choice": "警察署を一覧から選んでください。"},
    )
    card = forms.CharField(
        label="カード番号",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )
    household = forms.CharField(
        label="世帯主・事業所名",
        required=False,
        max_length=60,
        help_text="漢字・かな。該当するカードの番号と場所だけを表示し、名前も内容も表示しません。"
        "入力した名前は記録に残しません。",
    )
    action = forms.ChoiceField(
        label="操作",
        required=False,
        choices=[("", "すべて"), *AccessEvent.Action.choices],
        widget=ListSelect,
        error_messages={"invalid_choice": "操作を一覧から選んでください。"},
    )
    out_of_scope = forms.BooleanField(
        label="担当範囲外のみ",
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    break_glass = forms.BooleanField(
        label="緊急閲覧のみ",
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )

    field_order = [
        "person",
        "station",
        "card",
        "household",
        "action",
        "start",
        "end",
        "out_of_scope",
        "break_glass",
        "after",
    ]

    def clean_card(self) -> int | None:
        text = unicodedata.normalize("NFKC", self.cleaned_data.get("card") or "").strip()
        text = text.removeprefix("No.").removeprefix("NO.").strip()
        if not text:
            return None
        if not text.isdigit() or int(text) == 0:
            raise ValidationError("カード番号は数字で入力してください（例：123）。")
        return int(text)

    def resolve_kwargs(self) -> dict:
        """What accounts.audit.selectors.event_filter_resolve takes."""
        start, end = self.bounds()
        data = self.cleaned_data
        return {
            "person": data.get("person") or "",
            "station": data.get("station"),
            "card": data.get("card"),
            "household": data.get("household") or "",
            "action": data.get("action") or "",
            "start": start,
            "end": end,
            "out_of_scope": bool(data.get("out_of_scope")),
            "break_glass": bool(data.get("break_glass")),
        }


# --- 要確認事案 and the audit report ----------------------------------------------------------

NOTE_MAX = 2000
EARLIEST = dt.date(2000, 1, 1)


class CaseFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="種別",
        required=False,
        choices=[("", "すべて"), *AnomalyCase.Kind.choices],
        error_messages={"invalid_choice": "種別を一覧から選んでください。"},
    )
    status = forms.ChoiceField(
        label="状態",
        required=False,
        choices=[("", "すべて"), *AnomalyCase.Status.choices],
        error_messages={"invalid_choice": "状態を一覧から選んでください。"},
    )
    station = forms.ModelChoiceField(
        label="警察署",
        required=False,
        queryset=Station.objects.none(),
        empty_label="すべて",
        widget=ListSelect,
        error_messages={"invalid_choice": "警察署を一覧から選んでください。"},
    )
    overdue = forms.BooleanField(label="期限を過ぎた未確認のみ", required=False)

    def __init__(self, *args, stations=None, overdue_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if stations is not None:
            self.fields["station"].queryset = stations
        if overdue_label:
            self.fields["overdue"].label = f"{overdue_label}のみ"

    def filters(self) -> dict:
        """The valid filters; a wrong one is shown at its field and ignored."""
        data = self.cleaned_data if self.is_bound else {}
        return {
            "kind": data.get("kind") or "",
            "status": data.get("status") or "",
            "station": data.get("station"),
            "overdue_only": bool(data.get("overdue")),
        }


class CaseReviewForm(forms.Form):
    """One step of a case's review: where to, and the note. The choices are the moves this
    reviewer may make on this case now."""

    to_status = forms.ChoiceField(
        label="確認の結果",
        choices=(),
        error_messages={
            "required": "確認の結果を選んでください。",
            "invalid_choice": "この事案に選べない確認の結果です。",
        },
    )
    note = forms.CharField(
        label="所見",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="説明済み：本人の説明の内容。上申・終結：その理由。個人名や住所は書かないでください。",
        error_messages={"max_length": f"所見は{NOTE_MAX}文字以内で入力してください。"},
    )

    def __init__(self, *args, moves: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = moves

    def clean(self):
        # Checked here too (anomaly_case_review refuses it as well) so that an empty note
        # is told before the confirmation page, not after it.
        data = super().clean()
        to_status = data.get("to_status")
        if to_status and not (data.get("note") or "").strip():
            self.add_error("note", NOTE_REQUIRED[to_status])
        return data


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


class DetectForm(forms.Form):
    day = forms.DateField(
        label="対象日",
        widget=DateInput(),
        help_text="この日（0時〜24時）の閲覧記録を調べます。通常は前日分を毎日自動で調べています。",
        error_messages={
            "required": "対象日を入力してください。",
            "invalid": "対象日は「2026-04-01」のように入力してください。",
        },
    )

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError("未来の日付は指定できません。")
        if day < EARLIEST:
            raise forms.ValidationError("2000年1月1日以降の日付を入力してください。")
        return day


class ReportMonthForm(forms.Form):
    month = MonthField(label="表示する月", required=False)

    def clean_month(self) -> dt.date:
        return self.cleaned_data["month"] or timezone.localdate().replace(day=1)


# --- 変更履歴 -------------------------------------------------------------------------------

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
DATE_ERROR = "日付は 2026-04-01 のように入力してください。"


class HistoryFilterForm(forms.Form):
    source = forms.ChoiceField(
        label="対象の種類",
        required=False,
        error_messages={"invalid_choice": "対象の種類を一覧から選んでください。"},
    )
    person = forms.CharField(
        label="変更した職員",
        required=False,
        max_length=60,
        help_text="職員番号、または氏名・フリガナの一部",
        error_messages={"max_length": "60文字以内で入力してください。"},
    )
    date_from = forms.DateField(
        label="期間（開始日）",
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": DATE_ERROR},
    )
    date_to = forms.DateField(
        label="期間（終了日）",
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text="終了日を含みます。",
        error_messages={"invalid": DATE_ERROR},
    )
    object_id = forms.IntegerField(
        label="対象ID",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="カード No. などの番号",
        error_messages={
            "invalid": "対象IDは半角数字で入力してください。",
            "min_value": "対象IDは1以上の数字で入力してください。",
            "max_value": "対象IDが大きすぎます。",
        },
    )
    # The keyset cursor of 「次の50件」: not shown, and never part of a new search.
    after = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "すべて")] + [
            (s.key, s.label) for s in registry.history_sources()
        ]

    def clean_person(self) -> str:
        return unicodedata.normalize("NFKC", self.cleaned_data.get("person") or "").strip()

    def clean_after(self) -> HistoryCursor | None:
        text = self.cleaned_data.get("after") or ""
        if not text:
            return None
        cursor = HistoryCursor.decode(text)
        if cursor is None or registry.history_source(cursor.key) is None:
            raise ValidationError(
                "ページの指定が正しくありません。最初のページから開き直してください。"
            )
        return cursor

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "終了日は開始日以降の日付にしてください。")
        return data

    def filters(self) -> HistoryFilter:
        data = self.cleaned_data
        return HistoryFilter(
            source=data.get("source") or "",
            person=data.get("person") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            object_id=data.get("object_id"),
        )
