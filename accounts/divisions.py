"""The HQ divisions (所属) and the 総合当直 a prefecture starts with, and their 係 where a
seed names one (seed 003 4: 子供・女性の安全対策係, 犯罪抑止対策係). Here, on the ground floor,
so that the demo's people can be appointed in a division before any other app lays its own
data down; alerts.categories.defaults points its categories at these codes.
`divisions_install(headquarters)` lays them down once: rows already there are left as HQ
keeps them."""

from __future__ import annotations

from django.db import transaction

from .models import Division, DivisionSection, Headquarters

# (code, name, kind, sections)
DIVISIONS: list[tuple[str, str, str, list[str]]] = [
    (
        "seian-kikaku",
        "生活安全企画課",
        Division.Kind.DIVISION,
        ["子供・女性の安全対策係", "犯罪抑止対策係"],
    ),
    ("jinshin-shonen", "人身安全・少年課", Division.Kind.DIVISION, ["行方不明者対策係"]),
    ("koho-kocho", "広報広聴課", Division.Kind.DIVISION, []),
    ("sosa-ikka", "捜査第一課", Division.Kind.DIVISION, []),
    ("sosa-nika", "捜査第二課", Division.Kind.DIVISION, []),
    ("kotsu-kikaku", "交通企画課", Division.Kind.DIVISION, []),
    ("kotsu-kisei", "交通規制課", Division.Kind.DIVISION, []),
    ("sogo-toku", "総合当直", Division.Kind.DUTY_DESK, []),
]


@transaction.atomic
def divisions_install(headquarters: Headquarters) -> dict[str, Division]:
    """Every division of DIVISIONS with its 係, by code; those already there stay as they are."""
    divisions = {}
    for code, name, kind, sections in DIVISIONS:
        division, _ = Division.objects.get_or_create(
            code=code, defaults={"headquarters": headquarters, "name": name, "kind": kind}
        )
        for section in sections:
            DivisionSection.objects.get_or_create(division=division, name=section)
        divisions[code] = division
    return divisions
