"""Forms of the bulletin shelf: publish one, confirm its withdrawal. Input shape only; the
rules are in network.bulletins.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import Beat, Headquarters, Station, User
from network.bulletins.models import BULLETIN_FILE_MAX, BulletinKind
from network.bulletins.policy import publish_headquarters, publish_stations

DATE_INVALID = "日付を正しく入力してください（例：2026-11-30）。"


def date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        error_messages={"required": f"{label}を入力してください。", "invalid": DATE_INVALID},
        **kwargs,
    )


class BeatChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Beat) -> str:
        return f"{obj.post.station.name} {obj.post.name} {obj.name}"


class BulletinForm(forms.Form):
    """One bulletin: where it is published (a station of the user's, or HQ), what it is,
    its text or PDF, its area and its period."""

    publisher = forms.ChoiceField(
        label="掲載先",
        error_messages={
            "required": "掲載先を選んでください。",
            "invalid_choice": "掲載先を一覧から選んでください。",
        },
    )
    publisher_name = forms.CharField(
        label="発行元",
        max_length=60,
        help_text="例：駅前交番、生活安全課、生活安全企画課",
        error_messages={
            "required": "発行元を入力してください。",
            "max_length": "発行元は60文字以内で入力してください。",
        },
    )
    kind = forms.ChoiceField(
        label="種別",
        choices=[("", "選んでください"), *BulletinKind.choices],
        error_messages={
            "required": "種別を選んでください。",
            "invalid_choice": "種別を一覧から選んでください。",
        },
    )
    title = forms.CharField(
        label="題名",
        max_length=120,
        error_messages={
            "required": "題名を入力してください。",
            "max_length": "題名は120文字以内で入力してください。",
        },
    )
    body = forms.CharField(
        label="本文",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="本文かPDFのどちらか（両方でも可）。",
        error_messages={"max_length": "本文は2000文字以内で入力してください。"},
    )
    pdf = forms.FileField(
        label="PDF",
        required=False,
        help_text="5MBまでのPDFファイル。",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        error_messages={"invalid": "ファイルを選び直してください。"},
    )
    beats = BeatChoiceField(
        label="対象の受持区",
        queryset=Beat.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="選ばなければ署の全域（本部の掲載は全署）が対象です。",
        error_messages={"invalid_choice": "受持区を一覧から選んでください。"},
    )
    valid_from = date_field("掲載開始日")
    valid_until = date_field("掲載終了日")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stations = list(publish_stations(user).order_by("code"))
        hqs = list(publish_headquarters(user))
        choices = [(f"station-{s.pk}", s.name) for s in stations]
        choices += [(f"hq-{h.pk}", f"{h.name}（全署）") for h in hqs]
        self.fields["publisher"].choices = choices
        self._targets: dict[str, Station | Headquarters] = {
            **{f"station-{s.pk}": s for s in stations},
            **{f"hq-{h.pk}": h for h in hqs},
        }
        self.fields["beats"].queryset = (
            Beat.objects.filter(post__station__in=[s.pk for s in stations])
            .select_related("post__station")
            .order_by("post__station__code", "post__name", "name")
        )
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        if len(choices) == 1:
            self.fields["publisher"].initial = choices[0][0]

    def clean_pdf(self) -> Any:
        upload = self.cleaned_data.get("pdf")
        if upload and upload.size > BULLETIN_FILE_MAX:
            raise forms.ValidationError(
                "PDFの大きさは5MBまでです。ページを減らすか、圧縮してから添付してください。"
            )
        return upload

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        target = self._targets[data["publisher"]]
        upload = data.get("pdf")
        return {
            "station": target if isinstance(target, Station) else None,
            "headquarters": target if isinstance(target, Headquarters) else None,
            "publisher_name": data["publisher_name"],
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
            "pdf": upload.read() if upload else None,
            "pdf_name": upload.name if upload else "",
            "beats": list(data["beats"]),
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
        }
