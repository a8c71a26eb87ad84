"""The categories each preset ships with (seed 003 3・4 for kagoshima, seed 004 別表 for
gunma), each naming its HQ division by code (the divisions are accounts.divisions).
`install(headquarters, preset)` lays the divisions and the categories down once; HQ edits
the categories afterwards on its own pages (alerts.categories.services)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from accounts import divisions
from accounts.models import Division, Headquarters

from .models import Category, OffHoursRoute

# The divisions live on the ground floor (the demo appoints people in them before alerts
# runs); re-exported here, where the categories name them by code.
DIVISIONS = divisions.DIVISIONS


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    division: str  # Division.code
    section: str = ""
    kinds: str = ""
    definition: str = ""
    excludes: str = ""
    off_hours_route: str = OffHoursRoute.SAME
    off_hours_section: str = ""
    flags: dict[str, bool] = field(default_factory=dict)


OSHIRASE_EXCLUDES = (
    "職員募集案内、各種窓口の紹介、各種講習会等の開催案内は、ホームページ・広報文など別の広報手段を"
    "活用する（メール配信によらなければ効果が期待できないものは運用総括管理者と事前協議）。"
)

CATEGORIES: dict[str, list[CategorySpec]] = {
    # Seed 003 3 (県警あんしんメール) and its reporting routes, 4.
    "kagoshima": [
        CategorySpec(
            "threat",
            "脅威事犯",
            "seian-kikaku",
            section="子供・女性の安全対策係",
            kinds="声掛け、つきまとい",
            definition="子供や女性を対象とする性犯罪等（子供の生命又は身体を害する犯罪及び女性に対する"
            "性的犯罪）の前兆とみられる声掛け・つきまとい等の事犯",
            off_hours_route=OffHoursRoute.SECTION,
            off_hours_section="犯罪抑止対策係",
            flags={
                "needs_case_number": True,
                "needs_victim_consent": True,
                "reminds_follow_up": True,
            },
        ),
        CategorySpec(
            "fugitive",
            "凶悪事案等逃走事案",
            "seian-kikaku",
            section="犯罪抑止対策係",
            definition="被疑者が凶器を持ったまま逃走するなど、連続して被害が発生するおそれのある事案、"
            "被留置者や受刑者の逃走事案等、地域住民等の生命、身体に危害が加えられる危険性・切迫性が"
            "高いと認められる事案",
            off_hours_route=OffHoursRoute.DUTY_DESK,
            flags={"is_urgent": True, "is_immediate": True},
        ),
        CategorySpec(
            "fraud-call",
            "うそ電話詐欺",
            "seian-kikaku",
            section="犯罪抑止対策係",
            definition="うそ電話詐欺の発生及び被害防止に関する情報",
            off_hours_route=OffHoursRoute.DUTY_DESK,
        ),
        CategorySpec(
            "useful",
            "有益情報",
            "seian-kikaku",
            section="犯罪抑止対策係",
            definition="地域住民や地域における自主防犯組織等に有益と認められる情報",
            off_hours_route=OffHoursRoute.DUTY_DESK,
        ),
        CategorySpec(
            "missing-elderly",
            "高齢者等の行方不明",
            "jinshin-shonen",
            section="行方不明者対策係",
            definition="高齢者等の行方不明事案に関する情報",
            flags={"needs_publication_request": True},
        ),
    ],
    # Seed 004 別表 (メール配信区分).
    "gunma": [
        CategorySpec(
            "suspicious",
            "不審者情報",
            "seian-kikaku",
            kinds="つきまとい事案、声かけ事案、露出（公然わいせつ）、強制わいせつ類似行為等",
            definition="不審者（車両）目撃情報、事案発生に伴う手配及び注意喚起",
            flags={"reminds_follow_up": True},
        ),
        CategorySpec(
            "incident",
            "事件発生・検挙情報",
            "sosa-ikka",
            kinds="強盗等の凶悪事件、ひったくり等の窃盗事件等",
            definition="事件発生に伴う手配及び注意喚起、検挙情報（検挙情報は報道機関への広報実施後）",
            flags={"is_urgent": True, "arrest_needs_press_release": True},
        ),
        CategorySpec(
            "fraud",
            "特殊詐欺等",
            "sosa-nika",
            definition="特殊詐欺発生や予兆電話、悪質商法等に対する注意喚起",
        ),
        CategorySpec(
            "request",
            "情報提供依頼・防犯情報",
            "seian-kikaku",
            kinds="連続窃盗・不審火・果実の大量窃盗・有害鳥獣による負傷事案等、高齢者等の未帰宅手配",
            definition="社会的関心の高い事案の情報提供依頼、高齢者等の未帰宅手配"
            "（特異行方不明者の手配は原則として家族の了解を得てから）",
            flags={"is_urgent": True, "needs_family_consent": True},
        ),
        CategorySpec(
            "traffic",
            "交通情報",
            "kotsu-kikaku",
            kinds="死亡、重体・重傷事故、特異事案（死亡ひき逃げ等）の発生・検挙等",
            definition="事故発生に伴う注意喚起や現場の交通規制状況、死亡ひき逃げ事案等の手配や検挙情報"
            "（検挙情報は報道機関への広報実施後）",
            flags={"arrest_needs_press_release": True},
        ),
        CategorySpec(
            "traffic-control",
            "交通規制情報",
            "kotsu-kisei",
            definition="交通事故、災害、行事等に伴う交通規制",
        ),
        CategorySpec(
            "notice",
            "お知らせ",
            "koho-kocho",
            definition="上記のほか、県民（登録者）の安全を確保するために必要な情報の提供",
            excludes=OSHIRASE_EXCLUDES,
            flags={"needs_overall_consult": True},
        ),
    ],
}


def install_divisions(headquarters: Headquarters) -> dict[str, Division]:
    """The HQ divisions with their 係, by code (accounts.divisions)."""
    return divisions.divisions_install(headquarters)


@transaction.atomic
def install(headquarters: Headquarters, preset: str) -> list[Category]:
    """The divisions and the preset's categories; those already there are left as HQ
    keeps them."""
    by_code = install_divisions(headquarters)
    categories = []
    for order, spec in enumerate(CATEGORIES[preset], start=1):
        division = by_code[spec.division]
        sections = {s.name: s for s in division.sections.all()}
        category, _ = Category.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kinds": spec.kinds,
                "definition": spec.definition,
                "excludes": spec.excludes,
                "division": division,
                "section": sections.get(spec.section),
                "off_hours_route": spec.off_hours_route,
                "off_hours_section": sections.get(spec.off_hours_section),
                "order": order,
                **spec.flags,
            },
        )
        categories.append(category)
    return categories
