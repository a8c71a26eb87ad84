"""Forms of the alert pages: input shape only. The rules (records a category needs, who may
approve, sending hours, the recipient count) are in alerts.drafts.services and .policy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from accounts.forms.people import DateInput
from accounts.inputs import FREE_TEXT_MAX
from accounts.models import Municipality, Station
from accounts.permissions import Desk
from alerts.categories.models import Category
from alerts.chain.models import Scope
from alerts.drafts.models import (
    DRAFT_FIELDS,
    Alert,
    AlertKind,
    AlertStatus,
    ConsentBy,
    PlaceKind,
)
from alerts.privacy.checker import KINDS

_DATE = "日付は「2026-04-01」のように入力してください。"
_DATETIME = "日時は「2026-04-01 09:30」のように入力してください。"
_CHOOSE = ("", "選んでください")

# The fields of the mail a reader sees, in the order they are read: what the privacy check
# runs over (alerts.privacy.checker), each named as on the form.
CHECKED_FIELDS = {
    "title": "件名",
    "body": "本文",
    "place": "発生場所",
    "advice": "対策のポイント",
}

# How much of each the live check reads (the form's own limits, with room for what a
# browser sends as CR LF): a longer paste is cut, never a 500.
CHECKED_LIMITS = {"title": 120, "body": 2000, "place": 200, "advice": 1000}

# What the draft form hands to alerts.drafts.services (alert_create / alert_update): what the
# author writes, but the category (a field of its own here). The 報の種類 is not among them: a
# draft is a 第1報, and a follow-up gets its kind when it is started from its first alert.
ALERT_FIELDS = tuple(sorted(DRAFT_FIELDS - {"category"}))


class DateTimeInput(forms.DateTimeInput):
    """<input type="datetime-local">: the browser's own picker; read and shown in Tokyo time
    (Django takes a naive value in the current time zone, settings.TIME_ZONE)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput,
        required=False,
        error_messages={"invalid": _DATE},
        **kwargs,
    )


def _datetime(label: str, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=DateTimeInput,
        required=False,
        error_messages={"invalid": _DATETIME},
        **kwargs,
    )


def _text(label: str, *, rows: int = 3, max_length: int = FREE_TEXT_MAX, **kwargs: Any):
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


def _chosen(label: str) -> dict[str, str]:
    return {
        "required": f"{label}を選んでください。",
        "invalid_choice": f"{label}を一覧から選んでください。",
        "invalid_pk_value": f"{label}を一覧から選んでください。",
    }


def desk_key(desk: Desk) -> str:
    """A desk as a form value: 「station-3」 or 「division-7」."""
    if desk.station_id:
        return f"station-{desk.station_id}"
    if desk.division_id:
        return f"division-{desk.division_id}"
    return f"hq-{desk.headquarters_id}"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.name}（直ちに）" if obj.is_immediate else obj.name


class StationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Station) -> str:
        return obj.name


class MunicipalityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        return f"{obj.name}（{obj.station.name}）"


def active_categories() -> QuerySet[Category]:
    """The categories an author may choose (HQ keeps them; retired ones are not offered)."""
    return Category.objects.filter(is_active=True).select_related("division", "section")


class AlertForm(forms.Form):
    """The draft of an alert (seed 003 5⑵⑶, seed 004 5⑵, 別表): what the mail says, where it
    goes, and the records its category needs before approval."""

    desk = forms.ChoiceField(label="作成する所属", error_messages=_chosen("作成する所属"))
    category = CategoryChoiceField(
        label="配信区分",
        queryset=Category.objects.none(),
        empty_label="選んでください",
        error_messages=_chosen("配信区分"),
    )
    scope = forms.ChoiceField(
        label="配信範囲",
        choices=Scope.choices,
        initial=Scope.STATION,
        widget=forms.RadioSelect,
        error_messages=_chosen("配信範囲"),
    )
    area_stations = StationChoiceField(
        label="配信地域（警察署の管内）",
        queryset=Station.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "警察署を一覧から選んでください。"},
    )
    area_municipalities = MunicipalityChoiceField(
        label="配信地域（市町村）",
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="警察署の管内の一部に限るときは、市町村を選んでください。",
        error_messages={"invalid_choice": "市町村を一覧から選んでください。"},
    )
    title = forms.CharField(
        label="件名",
        max_length=60,
        help_text="60文字以内。例：不審者（声かけ）情報",
        error_messages={"required": "件名を入力してください。"},
    )
    body = _text(
        "本文",
        rows=8,
        max_length=1000,
        help_text="1000文字以内。被害者や関係者が特定・推認されないよう書いてください（5⑴ア）。",
        error_messages={"required": "本文を入力してください。"},
    )
    place = forms.CharField(
        label="発生場所（番地まで）",
        max_length=100,
        required=False,
        help_text="「〇〇市△△町1丁目2番」のように番地（街区符号）までにします。"
        "建物・店舗・公園などの名称は書けません（5⑵）。",
    )
    place_kind = forms.ChoiceField(
        label="発生場所の属性",
        choices=[_CHOOSE, *PlaceKind.choices],
        required=False,
        error_messages=_chosen("発生場所の属性"),
    )
    occurred_at = _datetime("発生日時")
    advice = _text(
        "対策のポイント",
        max_length=500,
        required=False,
        help_text="受け手が実際に取れる防犯行動を書いてください（5⑶）。",
    )
    press_announced = forms.BooleanField(label="報道発表する", required=False)
    press_text = _text(
        "報道発表の内容",
        rows=8,
        required=False,
        help_text="報道発表する場合は、発表内容との整合性を確かめてください（要領 5⑵）。",
    )
    press_released_at = _datetime(
        "報道発表日時", help_text="検挙情報は、報道機関への広報の後に配信します。"
    )
    case_number = forms.CharField(
        label="事案登録番号",
        max_length=30,
        required=False,
        help_text="脅威事犯情報管理業務に登録した番号（4⑴）",
    )
    consent_by = forms.ChoiceField(
        label="配信の承諾者",
        choices=[_CHOOSE, *ConsentBy.choices],
        required=False,
        error_messages=_chosen("配信の承諾者"),
        help_text="被害者が少年の場合は保護者等、成人の場合は本人（6⑵）",
    )
    consent_on = _date("承諾を確認した日")
    victim_is_minor = forms.BooleanField(label="被害者が少年", required=False)
    publication_request = forms.BooleanField(
        label="公表要請書の「公表の方法」欄で「県警あんしんメール」にチェックあり",
        required=False,
    )
    is_missing_person = forms.BooleanField(label="特異行方不明者の手配", required=False)
    family_consent_on = _date("家族の了解を得た日")
    consult_overall = forms.BooleanField(label="運用総括管理者と協議する", required=False)
    consult_note = _text("協議の記録", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(
        self,
        *args: Any,
        desks: Sequence[tuple[Desk, str]] = (),
        stations: Iterable[Station] | QuerySet[Station] = (),
        municipalities: QuerySet[Municipality] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._desks = {desk_key(desk): desk for desk, _ in desks}
        if editing or len(desks) <= 1:
            # The unit of an alert is fixed once drafted; one desk needs no choice.
            del self.fields["desk"]
        else:
            self.fields["desk"].choices = [_CHOOSE, *((desk_key(d), lbl) for d, lbl in desks)]
        self.fields["category"].queryset = active_categories()
        if isinstance(stations, QuerySet):
            self.fields["area_stations"].queryset = stations
        else:
            ids = [s.pk for s in stations]
            self.fields["area_stations"].queryset = Station.objects.filter(pk__in=ids)
        self.fields["area_municipalities"].queryset = (
            municipalities
            if municipalities is not None
            else Municipality.objects.select_related("station").order_by("station__code", "code")
        )
        if not editing:
            del self.fields["version"]
        self._wire_htmx()

    def _wire_htmx(self) -> None:
        """The category's rules swap in beside it on change; the privacy check runs as the
        author types (500 ms after the last key), over the four fields a reader sees."""
        self.fields["category"].widget.attrs.update(
            {
                "hx-get": reverse("alerts:category_rules"),
                "hx-trigger": "change",
                "hx-target": "#category-rules",
                "hx-swap": "outerHTML",
            }
        )
        checked = ",".join(f"#id_{name}" for name in CHECKED_FIELDS)
        for name in CHECKED_FIELDS:
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": reverse("alerts:privacy_check"),
                    "hx-trigger": "keyup changed delay:500ms",
                    "hx-target": "#privacy-flags",
                    "hx-swap": "outerHTML",
                    "hx-include": checked,
                }
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The one shape check that needs two fields: the text beside the body is the press
        # release's, so it is asked for only when the case is announced.
        if data.get("press_announced") is False and data.get("press_text"):
            self.add_error(
                "press_announced",
                "報道発表の内容を入力したときは「報道発表する」にチェックを入れてください。",
            )
        return data

    @property
    def chosen_desk(self) -> Desk | None:
        key = self.cleaned_data.get("desk") if "desk" in self.fields else None
        if key:
            return self._desks.get(key)
        return next(iter(self._desks.values()), None)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {name: data.get(name) for name in ALERT_FIELDS}
        for name in ("place", "place_kind", "advice", "press_text", "case_number"):
            kwargs[name] = kwargs[name] or ""
        kwargs["consent_by"] = kwargs["consent_by"] or ""
        kwargs["consult_note"] = kwargs["consult_note"] or ""
        kwargs["area_stations"] = list(data.get("area_stations") or [])
        kwargs["area_municipalities"] = list(data.get("area_municipalities") or [])
        return kwargs

    @classmethod
    def initial_for(cls, alert: Alert) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(alert, name) for name in ALERT_FIELDS}
        initial["category"] = alert.category_id
        initial["area_stations"] = [s.pk for s in alert.area_stations.all()]
        initial["area_municipalities"] = [m.pk for m in alert.area_municipalities.all()]
        initial["version"] = alert.version
        return initial

    @classmethod
    def data_for(cls, alert: Alert) -> dict[str, Any]:
        """The draft as this form would post it: a refused report is shown on the draft
        form, at the field it concerns."""
        return {
            name: value
            for name, value in cls.initial_for(alert).items()
            if value is not None and value is not False and value != ""
        }

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CHECKED_FIELDS]


class AlertFilterForm(forms.Form):
    q = forms.CharField(label="件名", max_length=60, required=False)
    status = forms.ChoiceField(
        label="状態",
        choices=[("", "すべて"), *AlertStatus.choices],
        required=False,
        error_messages=_chosen("状態"),
    )
    category = forms.ModelChoiceField(
        label="配信区分",
        queryset=Category.objects.none(),
        required=False,
        empty_label="すべて",
        error_messages=_chosen("配信区分"),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()


class VersionForm(forms.Form):
    """The page's version of the alert, for the stale-edit check of a button's POST."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


APPROVE, RETURN = "approve", "return"


class DecideForm(forms.Form):
    """A step's decision: approve, or return to the author with a comment."""

    decision = forms.ChoiceField(
        label="判断",
        choices=[(APPROVE, "承認する"), (RETURN, "差し戻す")],
        widget=forms.RadioSelect,
        error_messages=_chosen("判断"),
    )
    comment = _text(
        "意見",
        required=False,
        help_text="差し戻すときは、直すべき点を必ず書いてください。",
    )
    send_urgently = forms.BooleanField(
        label="配信時間外でも直ちに配信する",
        required=False,
        help_text="配信時間（7時〜20時）外でも直ちに配信します。緊急の区分の最終承認者だけが選べます。",
    )

    def __init__(self, *args: Any, may_mark_urgent: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not may_mark_urgent:
            del self.fields["send_urgently"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", "差し戻すときは、意見（直すべき点）を入力してください。")
        return data


class OverrideForm(forms.Form):
    """An approver lets a privacy flag stand, with the reason (never the author)."""

    kind = forms.ChoiceField(
        label="指摘の種類", choices=list(KINDS.items()), error_messages=_chosen("指摘の種類")
    )
    fragment = forms.CharField(
        label="指摘された語句",
        max_length=100,
        error_messages={"required": "指摘された語句がありません。"},
    )
    reason = forms.CharField(
        label="そのままでよい理由",
        max_length=200,
        error_messages={"required": "そのままでよい理由を入力してください。"},
    )


class SendForm(forms.Form):
    """The 発信操作担当者's confirmation, every time (seed 004 別表 「配信毎に確認」)."""

    # The count the page showed (not named as the service's argument: a refusal about it
    # is shown above the form, not at a hidden field).
    shown_count = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    send_at = _datetime(
        "配信日時（予約するとき）",
        help_text="空欄なら直ちに配信します（配信時間外は次の7時に配信します）。",
    )
    confirm_rules = forms.BooleanField(
        label="配信区分の内容を確認しました",
        error_messages={"required": "配信区分の内容を確認し、チェックを入れてください。"},
    )
    confirm_count = forms.BooleanField(
        label="配信先の件数を確認しました",
        error_messages={"required": "配信先の件数を確認し、チェックを入れてください。"},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="取りやめる理由",
        max_length=200,
        error_messages={"required": "取りやめる理由を入力してください。"},
    )
    confirm = forms.BooleanField(
        label="この配信を取りやめます（元に戻せません）",
        error_messages={"required": "取りやめるには、確認のチェックを入れてください。"},
    )


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(
        label="報の種類",
        choices=[c for c in AlertKind.choices if c[0] != AlertKind.FIRST],
        error_messages=_chosen("報の種類"),
    )
