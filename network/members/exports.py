"""The 連絡員一覧表 out of the system (seed 001 2⑷: shared with every department): CSV,
Excel and a printable PDF of the roster as filtered on its page. Each is an access event
with the number of rows it carried."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.exceptions import BadInput
from accounts.models import AccessEvent
from accounts.utils import dates, text
from accounts.utils.exports import csv_response, xlsx_response
from accounts.utils.http import GET_ONLY
from network.members import policy, services
from network.members.filters import RosterFilterSet
from network.members.models import LiaisonMember
from network.members.views import roster_filterset, roster_station

HEADER = [
    "No.",
    "警察署",
    "状態",
    "氏名",
    "フリガナ",
    "電話番号",
    "メールアドレス",
    "郵便番号",
    "住所",
    "市町",
    "希望する連絡方法",
    "所属する団体（役職）",
    "兼任",
    "担当する受持区",
    "担当課",
    "把握した課",
    "把握した日",
    "承諾日",
]
FORMATS = {"csv", "xlsx"}


def _members(request: HttpRequest) -> tuple[list[LiaisonMember], RosterFilterSet]:
    policy.roster_require(request.user)
    filterset = roster_filterset(request)
    members = list(
        filterset.qs.select_related("found_department").prefetch_related(
            "memberships__group", "posts", "beats__post"
        )
    )
    return members, filterset


def member_row(member: LiaisonMember) -> list[Any]:
    groups = "、".join(
        f"{m.group.name}（{m.post}）" if m.post else m.group.name for m in member.memberships.all()
    )
    return [
        member.pk,
        member.station.name,
        member.get_status_display(),
        member.name,
        member.name_kana,
        member.phone,
        member.email,
        text.postal_display(member.postal_code, mark=False),
        member.address,
        member.municipality,
        member.get_channel_display(),
        groups,
        "、".join(p.get_kind_display() for p in member.posts.all()),
        "、".join(f"{b.post.name} {b.name}" for b in member.beats.all()),
        member.department.name if member.department else "",
        member.found_department.name if member.found_department else "",
        member.found_on,
        member.consented_on,
    ]


def _log(request: HttpRequest, action: str, summary: str, count: int) -> None:
    services.roster_record_access(
        actor=request.user,
        station=roster_station(request),
        action=action,
        summary=summary,
        record_count=count,
    )


@GET_ONLY
@login_required
def roster_export(request: HttpRequest) -> HttpResponseBase:
    """?format=csv (the default) or xlsx, with the page's filters."""
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        raise BadInput("出力の形式は CSV か Excel を選んでください。")
    members, filterset = _members(request)
    state = RosterFilterSet.LABELS[filterset.values["status"]]
    _log(
        request,
        AccessEvent.Action.EXPORT,
        f"連絡員一覧表の出力（{state}、{'Excel' if fmt == 'xlsx' else 'CSV'}） {len(members)}件",
        len(members),
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    rows = [member_row(m) for m in members]
    if fmt == "xlsx":
        return xlsx_response(
            HEADER, rows, filename=f"連絡員一覧表_{stamp}.xlsx", title="連絡員一覧表"
        )
    return csv_response(HEADER, rows, filename=f"連絡員一覧表_{stamp}.csv")


def _refuse_fetch(url: str, *args, **kwargs):
    """WeasyPrint may load nothing from a URL in the page."""
    raise ValueError(f"印刷用の文書は外部の資源を読み込みません: {url[:80]}")


@GET_ONLY
@login_required
def roster_print(request: HttpRequest) -> HttpResponse:
    """A printable PDF of the roster, with who printed it and when on every page."""
    members, filterset = _members(request)
    state = RosterFilterSet.LABELS[filterset.values["status"]]
    _log(
        request,
        AccessEvent.Action.PRINT,
        f"連絡員一覧表の印刷（{state}） {len(members)}件",
        len(members),
    )
    now = timezone.localtime()
    html = render_to_string(
        "network/members/print.html",
        {
            "rows": [member_row(m) for m in members],
            "state": state,
            "printer": f"{request.user.full_name}（{request.user.employee_number}）",
            "printed_at": dates.datetime_ja(now),
        },
    )
    import weasyprint  # heavy (pango, harfbuzz): loaded when a PDF is asked for

    pdf = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    stamp = now.strftime("%Y%m%d")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename=\"roster-{stamp}.pdf\"; filename*=UTF-8''"
        f"{quote(f'連絡員一覧表_{stamp}.pdf')}"
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
