"""Pages of the 連絡員一覧表 (seed 001 2⑶・⑷, 4⑵): the roster, a member's page, a
candidate's report, the 署地域課's edit, ask, consent, decline and withdrawal, and why a
person who said no is not asked again without a new reason. Exports, prints and the groups
are in exports.py and groups.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.exceptions import PermissionDenied, StaleEditError
from accounts.inputs import parse_id
from accounts.models import AccessEvent, Station
from accounts.utils.http import GET_ONLY, GET_POST, Attempt, page_number
from network.members import policy, selectors, services
from network.members.filters import RosterFilterSet
from network.members.forms import AskForm, ConsentForm, DeclineForm, MemberForm, WithdrawForm
from network.members.models import GroupMembership, LiaisonMember, MemberStatus, StepKind

PER_PAGE = 50


def _title(member: LiaisonMember) -> str:
    return f"{member.name}（{member.get_status_display()}）"


def roster_filterset(request: HttpRequest) -> RosterFilterSet:
    """The roster's filters over the user's member list (the list, the exports, the print)."""
    user = request.user
    stations = selectors.roster_stations(user=user)
    groups = selectors.group_list(user=user).order_by("name")
    municipalities = (
        selectors.member_list(user=user)
        .exclude(municipality="")
        .order_by("municipality")
        .values_list("municipality", flat=True)
        .distinct()
    )
    beats = [b for s in stations for b in selectors.station_beats(station=s)]
    return RosterFilterSet(
        request.GET,
        queryset=selectors.member_list(user=user),
        beats=beats,
        groups=groups,
        municipalities=list(municipalities),
    )


def roster_station(request: HttpRequest) -> Station | None:
    """The station a list of the roster is logged against: the user's one roster station."""
    stations = list(selectors.roster_stations(user=request.user)[:2])
    return stations[0] if len(stations) == 1 else None


# --- 連絡員一覧表 ----------------------------------------------------------------------------
@GET_ONLY
@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.roster_require(user)
    filterset = roster_filterset(request)
    # Each member's groups with the group in one query (not one for the memberships and
    # one more for their groups).
    memberships = Prefetch("memberships", queryset=GroupMembership.objects.select_related("group"))
    rows = filterset.qs.prefetch_related(memberships, "posts", "beats")
    page = Paginator(rows, PER_PAGE).get_page(page_number(request))
    state = filterset.values["status"]
    services.roster_record_access(
        actor=user,
        station=roster_station(request),
        action=AccessEvent.Action.SEARCH if filterset.searching else AccessEvent.Action.LIST,
        summary=f"連絡員一覧表（{RosterFilterSet.LABELS[state]}"
        f"{'、氏名で検索' if filterset.searching else ''}） {page.paginator.count}件"
        f"（{page.number}ページ目）",
        record_count=len(page.object_list),
    )
    return render(
        request,
        "network/members/list.html",
        {
            "here": "連絡員一覧表",
            "filterset": filterset,
            "state_label": RosterFilterSet.LABELS[state],
            "page": page,
            "found": selectors.member_found_counts(user=user),
            "may_report": policy.may_report(user),
            "query": request.GET.urlencode(),
        },
    )


# --- A member's page -------------------------------------------------------------------------
STEP_URLS = {
    "ask": "network:member_ask",
    "consent": "network:member_consent",
    "decline": "network:member_decline",
    "withdraw": "network:member_withdraw",
    "edit": "network:member_edit",
}


@GET_ONLY
@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.member_page(user=request.user, pk=pk)
    member = page.member
    services.member_record_access(
        actor=request.user, member=member, action=AccessEvent.Action.VIEW, summary="連絡員の閲覧"
    )
    actions = [
        {
            "step": step,
            "label": policy.STEP_LABELS[step],
            "url": reverse(STEP_URLS[step], kwargs={"pk": member.pk}),
        }
        for step in policy.member_actions(request.user, member)
    ]
    return render(
        request,
        "network/members/detail.html",
        {
            "here": _title(member),
            "page": page,
            "member": member,
            "actions": actions,
            "needs_new_reason": policy.needs_new_reason(member),
        },
    )


@GET_ONLY
@login_required
def member_reask_rule(request: HttpRequest, pk: int) -> HttpResponse:
    """Why a person who declined or withdrew is not asked again without a new reason (4⑵):
    the earlier asks and answers, with their reasons."""
    page = selectors.member_page(user=request.user, pk=pk)
    services.member_record_access(
        actor=request.user,
        member=page.member,
        action=AccessEvent.Action.VIEW,
        summary="再依頼の条件の閲覧",
    )
    asked = [s for s in page.steps if s.kind == StepKind.ASKED]
    refusals = [s for s in page.steps if s.kind in (StepKind.DECLINED, StepKind.WITHDREW)]
    return render(
        request,
        "network/members/reask_rule.html",
        {
            "here": "改めて依頼するには",
            "member": page.member,
            "asked": asked,
            "refusals": refusals,
            "needs_new_reason": policy.needs_new_reason(page.member),
            "may_ask": "ask" in policy.member_actions(request.user, page.member),
        },
    )


# --- 候補者の報告 ------------------------------------------------------------------------------
def _report_station(request: HttpRequest) -> Station:
    stations = list(selectors.report_stations(user=request.user).order_by("pk"))
    if not stations:
        raise PermissionDenied("連絡員の候補者を報告できるのは、警察署の職員です。")
    wanted = parse_id(request.GET.get("station"))
    return next((s for s in stations if s.pk == wanted), stations[0])


def _member_form(request: HttpRequest, station: Station, *, creating: bool, **kwargs):
    departments = list(selectors.station_departments(station=station))
    return MemberForm(
        request.POST or None,
        station=station,
        groups=list(selectors.station_groups(station=station)),
        beats=list(selectors.station_beats(station=station)),
        departments=departments,
        creating=creating,
        officers=[] if creating else selectors.station_officers(station=station),
        **kwargs,
    )


@GET_POST
@login_required
def member_report(request: HttpRequest) -> HttpResponse:
    """Any member of staff of the station records a person who could be a member (2⑶);
    a likely duplicate is shown before saving, and saving anyway needs 「別人として登録する」."""
    user = request.user
    station = _report_station(request)
    mine = selectors.station_departments(station=station).filter(
        pk__in=permissions.departments_for(user).values("pk")
    )
    first = mine.first()
    form = _member_form(
        request,
        station,
        creating=True,
        initial={
            "found_on": timezone.localdate(),
            "found_department": first.pk if first is not None else None,
        },
    )
    duplicates: list[LiaisonMember] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.member_likely_duplicates(
            user=user,
            station=station,
            name=data["name"],
            name_kana=data["name_kana"],
            phone=data["phone"],
            address=data["address"],
        )
        with Attempt(form) as attempt:
            member = services.member_report(actor=user, station=station, **form.service_kwargs())
        if attempt.ok:
            messages.success(
                request,
                f"{member.name}さんを連絡員の候補者として報告しました。署地域課に伝わります。",
            )
            if policy.may_view_roster(user, station):
                return redirect("network:member_detail", pk=member.pk)
            return redirect("accounts:home")
    return render(
        request,
        "network/members/form.html",
        {
            "here": "連絡員の候補者の報告",
            "form": form,
            "station": station,
            "duplicates": duplicates,
            "creating": True,
            "cancel_url": reverse("network:member_list"),
        },
    )


@GET_POST
@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.member_page(user=request.user, pk=pk)
    member = page.member
    policy.member_step_check(request.user, member, "edit")
    if member.status not in policy.TRANSITIONS["edit"]:
        messages.error(request, f"「{member.get_status_display()}」の方の記録は変更できません。")
        return redirect("network:member_detail", pk=member.pk)
    form = _member_form(
        request, member.station, creating=False, initial=MemberForm.initial_for(member, page)
    )
    status = 200
    if request.method == "GET":
        services.member_record_access(
            actor=request.user,
            member=member,
            action=AccessEvent.Action.VIEW,
            summary="連絡員の編集画面",
        )
    elif form.is_valid():
        with Attempt(form) as attempt:
            services.member_update(actor=request.user, member=member, **form.service_kwargs())
        if attempt.ok:
            messages.success(request, f"{member.name}さんの記録を保存しました。")
            return redirect("network:member_detail", pk=member.pk)
        if isinstance(attempt.error, StaleEditError):
            # Keep the input; the next save goes over the version now current, once seen.
            current = LiaisonMember.objects.get(pk=member.pk)
            form.data = form.data.copy()
            form.data["version"] = str(current.version)
            status = 409
    return render(
        request,
        "network/members/form.html",
        {
            "here": "連絡員の記録の変更",
            "member": member,
            "form": form,
            "station": member.station,
            "creating": False,
            "cancel_url": reverse("network:member_detail", kwargs={"pk": member.pk}),
        },
        status=status,
    )


# --- 依頼・承諾・辞退・退任 ----------------------------------------------------------------------
STEPS = {
    # step: (form, service, date field of the form, button, lead)
    "ask": (
        AskForm,
        services.member_ask,
        "on",
        "依頼を記録する",
        "署地域課から連絡員をお願いしたことを記録します。承諾するかどうかはご本人が決めること"
        "です。無理強いはしないでください（4⑵）。",
    ),
    "consent": (
        ConsentForm,
        services.member_consent,
        "consented_on",
        "承諾を記録する",
        "ご本人が連絡員になることを承諾した日を記録します。この日から連絡員一覧表に載ります。",
    ),
    "decline": (
        DeclineForm,
        services.member_decline,
        "declined_on",
        "辞退を記録する",
        "ご本人が辞退したことを記録します。改めて依頼するには新しい理由が必要になります。",
    ),
    "withdraw": (
        WithdrawForm,
        services.member_withdraw,
        "withdrawn_on",
        "退任を記録する",
        "連絡員はいつでも退任できます。退任日を記録すると、連絡員一覧表から外れます。"
        "記録と情報交換の件数は残ります。",
    ),
}


def _step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    member = selectors.member_get(user=request.user, pk=pk)
    target = policy.member_step_check(request.user, member, step)
    if not target:
        messages.error(
            request,
            f"「{member.get_status_display()}」の方には、"
            f"{policy.STEP_LABELS[step]}を記録できません。",
        )
        return redirect("network:member_detail", pk=member.pk)
    form_class, service, date_field, button, lead = STEPS[step]
    form = form_class(request.POST or None, initial={date_field: timezone.localdate()})
    if request.method == "GET":
        services.member_record_access(
            actor=request.user,
            member=member,
            action=AccessEvent.Action.VIEW,
            summary=f"連絡員の{policy.STEP_LABELS[step]}の画面",
        )
    elif form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("confirm", None)
        with Attempt(form) as attempt:
            service(actor=request.user, member=member, **data)
        if attempt.ok:
            messages.success(
                request, f"{member.name}さんの{policy.STEP_LABELS[step]}を記録しました。"
            )
            return redirect("network:member_detail", pk=member.pk)
    return render(
        request,
        "network/members/step.html",
        {
            "here": f"{policy.STEP_LABELS[step]}の記録",
            "member": member,
            "form": form,
            "button": button,
            "lead": lead,
            "danger": step in ("withdraw", "decline"),
            "needs_new_reason": step == "ask" and policy.needs_new_reason(member),
            "reask_url": reverse("network:member_reask_rule", kwargs={"pk": member.pk}),
            "active": member.status == MemberStatus.ACTIVE,
        },
    )


@GET_POST
@login_required
def member_ask(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_view(request, pk, "ask")


@GET_POST
@login_required
def member_consent(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_view(request, pk, "consent")


@GET_POST
@login_required
def member_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_view(request, pk, "decline")


@GET_POST
@login_required
def member_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_view(request, pk, "withdraw")
