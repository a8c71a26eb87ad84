"""Demo data of あんしんメール for `manage.py seed_demo` (AlertsConfig.seed_demo).

On top of what accounts seeds (茨城県警察本部 with its divisions and 総合当直, the stations 101
and 102, and a person at every alert desk): the municipalities of the two stations with their
団体コード, the categories of the preset in force (settings.ALERTS_PRESET) and the chain rows
of both presets (the setting picks which the engine reads), a few subscribers with example.jp
addresses, and sample alerts of the preset in force in believable states — handed to the
queue, waiting at a step, returned to its author for a park's name, a draft — made through
alerts.drafts.services by the people who hold each desk, as the pages would. Everything is
looked up by natural key first: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import Municipality, Station, User

from .categories import defaults
from .categories.models import Category
from .chain import presets
from .chain.models import ChainStep, Scope, StepAction
from .drafts import policy as draft_policy
from .drafts import selectors as draft_selectors
from .drafts import services as draft_services
from .drafts.models import Alert, ConsentBy, PlaceKind
from .subscribers.models import Subscriber

# Station code -> its municipalities: (全国地方公共団体コード with its check digit, name).
# The stations are fictional; the municipalities and their codes are Ibaraki's own.
MUNICIPALITIES: dict[str, list[tuple[str, str]]] = {
    "101": [
        ("082015", "水戸市"),
        ("083020", "茨城町"),
        ("083097", "大洗町"),
        ("083101", "城里町"),
    ],
    "102": [
        ("082210", "ひたちなか市"),
        ("083411", "東海村"),
        ("082261", "那珂市"),
    ],
}

# Address, categories (codes; those the preset lacks are skipped), whole prefecture or the
# municipalities chosen. Addresses at example.jp (RFC 2606 style): no mail reaches anyone.
SUBSCRIBERS: list[tuple[str, list[str], bool, list[str]]] = [
    # A parent of a primary-school child in 水戸市: suspicious persons and threats near home.
    ("hogosha.mito@example.jp", ["suspicious", "threat", "useful"], False, ["082015"]),
    # A 防犯ボランティア of ひたちなか市 and 東海村: everything for the area.
    (
        "bohan.hitachinaka@example.jp",
        [
            "suspicious",
            "incident",
            "fraud",
            "request",
            "threat",
            "fugitive",
            "fraud-call",
            "missing-elderly",
        ],
        False,
        ["082210", "083411"],
    ),
    # Someone who wants the prefecture's traffic and fraud warnings wherever they arise.
    ("kenmin@example.jp", ["traffic", "traffic-control", "fraud", "fraud-call"], True, []),
]


def seed_municipalities() -> dict[str, Municipality]:
    found: dict[str, Municipality] = {}
    for code, rows in MUNICIPALITIES.items():
        station = Station.objects.filter(code=code).first()
        if station is None:
            continue
        for municipality_code, name in rows:
            found[municipality_code], _ = Municipality.objects.get_or_create(
                code=municipality_code, defaults={"station": station, "name": name}
            )
    return found


def seed_categories(station: Station) -> list[Category]:
    """The divisions and the categories of the preset in force; HQ's later edits stay."""
    return defaults.install(station.headquarters, settings.ALERTS_PRESET)


def seed_chain() -> None:
    """The chain rows of both presets, once: HQ may have changed them since (admin)."""
    for preset in presets.PRESETS:
        if not ChainStep.objects.filter(preset=preset, category__isnull=True).exists():
            presets.load(preset)


def seed_subscribers(municipalities: dict[str, Municipality]) -> None:
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    for email, codes, whole, areas in SUBSCRIBERS:
        if Subscriber.objects.filter(email=email).exists():
            continue
        subscriber = Subscriber.objects.create(
            email=email, whole_prefecture=whole, confirmed_at=timezone.now()
        )
        subscriber.categories.set([categories[c] for c in codes if c in categories])
        subscriber.municipalities.set([municipalities[m] for m in areas if m in municipalities])


# --- Sample alerts ----------------------------------------------------------------------------
STATION_AUTHOR = "260104"  # 加藤 亮, 作成者 of 水戸中央警察署
HQ_AUTHOR = "260008"  # 坂本 陽介, 作成者 of 生活安全企画課
ADVICE_CHILDREN = "登下校時はできるだけ複数で行動し、防犯ブザーを持ち歩きましょう。"


@dataclass(frozen=True)
class SampleAlert:
    author: str  # employee number
    category: str  # code; a sample whose category the preset lacks is skipped
    title: str
    body: str
    place: str = ""
    place_kind: str = ""
    advice: str = ""
    scope: str = Scope.STATION
    municipalities: tuple[str, ...] = ("082015",)
    records: dict[str, Any] = field(default_factory=dict)
    report: bool = True  # False: left a draft
    # How many steps decide after the report; None: every one (handed to the queue).
    decisions: int | None = None
    returned: str = ""  # the first step returns it with this comment


THREAT_RECORDS = {
    "case_number": "R8-101-0123",
    "victim_is_minor": True,
    "consent_by": ConsentBy.GUARDIAN,
}
SAMPLES: list[SampleAlert] = [
    # Handed to the queue: every step approved, the sender confirmed.
    SampleAlert(
        STATION_AUTHOR,
        "suspicious",
        "声かけ事案の発生（水戸市笠原町）",
        "水戸市笠原町2丁目の道路上で、下校中の女子児童が男に声をかけられる事案が発生しました。"
        "男は30歳くらい、身長170センチくらい、黒色の上着を着用していました。",
        place="水戸市笠原町2丁目",
        place_kind=PlaceKind.ROAD,
        advice=ADVICE_CHILDREN,
    ),
    SampleAlert(
        STATION_AUTHOR,
        "threat",
        "声掛け事案の発生（水戸市笠原町）",
        "水戸市笠原町2丁目の道路上で、下校中の女子児童が男に声をかけられる事案が発生しました。"
        "男は30歳くらい、身長170センチくらい、黒色の上着を着用していました。",
        place="水戸市笠原町2丁目",
        place_kind=PlaceKind.ROAD,
        advice=ADVICE_CHILDREN,
        records=THREAT_RECORDS,
    ),
    # Waiting at its first step.
    SampleAlert(
        STATION_AUTHOR,
        "fraud",
        "還付金詐欺の予兆電話にご注意",
        "水戸市内の高齢者宅に、市役所職員を名乗る男から「医療費の還付金がある」という電話が"
        "相次いでいます。",
        advice="ATMで還付金を受け取ることはできません。不審な電話は家族や警察に相談してください。",
        decisions=0,
    ),
    SampleAlert(
        STATION_AUTHOR,
        "fraud-call",
        "うそ電話詐欺の予兆電話にご注意",
        "水戸市内の高齢者宅に、市役所職員を名乗る男から「医療費の還付金がある」という電話が"
        "相次いでいます。",
        advice="ATMで還付金を受け取ることはできません。不審な電話は家族や警察に相談してください。",
        decisions=0,
    ),
    # Prefecture-wide from HQ: its 次席 has approved, it waits at the 課長.
    SampleAlert(
        HQ_AUTHOR,
        "request",
        "自転車盗難の多発（情報提供のお願い）",
        "県内の駅の駐輪場で、無施錠の自転車が盗まれる被害が多発しています。",
        place_kind=PlaceKind.PARKING,
        advice="短い時間でも必ず鍵をかけ、二重ロックを心がけましょう。",
        scope=Scope.PREFECTURE,
        municipalities=(),
        decisions=1,
    ),
    SampleAlert(
        HQ_AUTHOR,
        "useful",
        "自転車盗難の多発にご注意",
        "県内の駅の駐輪場で、無施錠の自転車が盗まれる被害が多発しています。",
        place_kind=PlaceKind.PARKING,
        advice="短い時間でも必ず鍵をかけ、二重ロックを心がけましょう。",
        scope=Scope.PREFECTURE,
        municipalities=(),
        decisions=0,
    ),
    # Returned by the first step: the park is named (seed 003 5⑵イ).
    SampleAlert(
        STATION_AUTHOR,
        "suspicious",
        "つきまとい事案の発生（水戸市千波町）",
        "千波公園で、帰宅途中の女子中学生が男につきまとわれる事案が発生しました。",
        place="水戸市千波町1丁目",
        place_kind=PlaceKind.PARK,
        advice=ADVICE_CHILDREN,
        returned="公園の名称は書かないでください（「公園内で」のように場所の種類で）。",
    ),
    SampleAlert(
        STATION_AUTHOR,
        "useful",
        "自転車盗難の発生（水戸市千波町）",
        "千波公園の駐輪場で、自転車が盗まれる被害が相次いでいます。",
        place="水戸市千波町1丁目",
        place_kind=PlaceKind.PARKING,
        returned="公園の名称は書かないでください（「公園の駐輪場で」のように場所の種類で）。",
    ),
    # A draft not reported yet.
    SampleAlert(
        STATION_AUTHOR,
        "traffic",
        "交通死亡事故の発生（ひたちなか市）",
        "ひたちなか市内の国道6号で、歩行者が車にはねられる死亡事故が発生しました。",
        place_kind=PlaceKind.ROAD,
        advice="薄暗い時間帯は、反射材を身に着けましょう。",
        municipalities=("082210",),
        report=False,
    ),
    SampleAlert(
        STATION_AUTHOR,
        "missing-elderly",
        "高齢者の行方不明（情報提供のお願い）",
        "水戸市内の80歳代の男性の行方が分からなくなっています。",
        advice="見かけた方は、水戸中央警察署または最寄りの交番へお知らせください。",
        report=False,
    ),
]


def _decide(alert: Alert, *, decisions: int | None, returned: str) -> Alert:
    """Pass the alert along its chain as the holders of each desk would: approve (or return
    with the comment), and at the send step confirm the rules and the recipient count. Stops
    after `decisions` steps, or at a desk nobody holds."""
    done = 0
    while alert.status in draft_policy.OPEN and (decisions is None or done < decisions):
        step = draft_policy.current_step(alert)
        if step is None:
            break
        holders = [u for u in draft_selectors.step_holders(step) if u.pk != alert.author_id]
        if not holders:
            break
        if returned:
            return draft_services.alert_return(
                actor=holders[0], alert=alert, step=step, comment=returned
            )
        if step.action == StepAction.SEND:
            alert = draft_services.alert_send(
                actor=holders[0],
                alert=alert,
                confirmed=True,
                recipient_count=draft_selectors.recipient_count(alert),
            )
        else:
            alert = draft_services.alert_approve(actor=holders[0], alert=alert, step=step)
        done += 1
    return alert


def seed_sample_alerts(categories: list[Category], municipalities: dict[str, Municipality]) -> int:
    """The samples of the preset in force, each once (by author and title); how many made."""
    by_code = {c.code: c for c in categories}
    made = 0
    now = timezone.now()
    for sample in SAMPLES:
        category = by_code.get(sample.category)
        author = User.objects.filter(employee_number=sample.author).first()
        if category is None or author is None:
            continue
        if Alert.objects.filter(author=author, title=sample.title).exists():
            continue
        records = dict(sample.records)
        if category.needs_victim_consent:
            records.setdefault("consent_on", timezone.localdate())
        alert = draft_services.alert_create(
            actor=author,
            category=category,
            scope=sample.scope,
            title=sample.title,
            body=sample.body,
            place=sample.place,
            place_kind=sample.place_kind,
            advice=sample.advice,
            occurred_at=now - dt.timedelta(hours=2),
            area_municipalities=[municipalities[m] for m in sample.municipalities],
            **records,
        )
        made += 1
        if not sample.report:
            continue
        alert = draft_services.alert_submit(actor=author, alert=alert, version=alert.version)
        _decide(alert, decisions=sample.decisions, returned=sample.returned)
    return made


def seed_alerts() -> None:
    station = Station.objects.filter(code="101").select_related("headquarters").first()
    if station is None:
        return
    municipalities = seed_municipalities()
    categories = seed_categories(station)
    seed_chain()
    seed_subscribers(municipalities)
    seed_sample_alerts(categories, municipalities)
