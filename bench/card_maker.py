"""The drawing of the bench's cards (bench/generate.py inserts them): Maker draws, from one
seeded random generator, each beat's households, businesses and apartments with their
addresses and care points, the households' sizes, their members (names and readings by
frequency, ages, relationships, occupations, declined items), each card's contents,
dates and status, and vehicles. The same seed draws the same station.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from liaison.cards.models import (
    CardKind,
    CardStatus,
    CloseReason,
    LiaisonCard,
    MadeBy,
    Relationship,
    ResidenceType,
)

from . import names


class Maker:
    """Draws households, businesses and apartments with realistic proportions."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        ranks = range(len(names.FAMILY_NAMES))
        # Frequent names are much more frequent (佐藤 about 1.5% of people, as in Japan).
        weights = [1 / (rank + 6) for rank in ranks]
        total = 0.0
        self.family_cum = []
        for w in weights:
            total += w
            self.family_cum.append(total)
        self.postal = {
            town: f"310{index * 37 % 10000:04d}" for index, (town, _) in enumerate(names.TOWNS)
        }

    # -- skeletons: kind, address, care; cheap tuples for the whole station --

    def beat_skeleton(self, count: int, beat_index: int) -> list[dict[str, Any]]:
        rng = self.rng
        towns = [names.TOWNS[(beat_index * 3 + i) % len(names.TOWNS)] for i in range(3)]
        out: list[dict[str, Any]] = []
        while len(out) < count:
            town, chome = rng.choice(towns)
            banchi = self._banchi(chome)
            roll = rng.random()
            if roll < 0.10:
                out.append({"kind": CardKind.BUSINESS, "town": town, "banchi": banchi})
            elif roll < 0.112 and count - len(out) >= 7:
                units = min(rng.randint(6, 18), count - len(out) - 1)
                building = self._building(town)
                apartment = {
                    "kind": CardKind.APARTMENT,
                    "town": town,
                    "banchi": banchi,
                    "building": building,
                    "units": [],
                }
                out.append(apartment)
                floors = (units + 3) // 4
                for n in range(units):
                    room = f"{n // 4 + 1}{n % 4 + 1:02d}" if floors > 1 else f"{n + 1:03d}"
                    unit = self._household(town, banchi, building=building, room=room)
                    unit["parent"] = apartment
                    apartment["units"].append(unit)
                    out.append(unit)
            else:
                out.append(self._household(town, banchi))
        return out

    def _banchi(self, chome: bool) -> str:
        rng = self.rng
        if chome:
            return f"{rng.randint(1, 30)}-{rng.randint(1, 25)}"
        if rng.random() < 0.15:
            return f"{rng.randint(100, 2999)}番地{rng.randint(1, 9)}"
        return f"{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"

    def _building(self, town: str) -> str:
        family = self.family()[0]
        prefix = self.rng.choice(names.BUILDING_PREFIXES)
        return f"{prefix}{family}" if self.rng.random() < 0.5 else f"{town[:2]}{prefix}"

    def _household(self, town: str, banchi: str, **extra: str) -> dict[str, Any]:
        roll = self.rng.random()
        care = None
        if roll < 0.05:
            care = "care_elderly_alone"
        elif roll < 0.10:
            care = "care_elderly_only"
        elif roll < 0.13:
            care = "care_needs_support"
        elif roll < 0.15:
            care = "care_foreign"
        size = {"care_elderly_alone": 1, "care_elderly_only": 2}.get(care or "", 0)
        return {
            "kind": CardKind.HOUSEHOLD,
            "town": town,
            "banchi": banchi,
            "care": care,
            "size": size,
            "fixed": bool(size),
            **extra,
        }

    def household_sizes(self, skeletons: list[dict[str, Any]], target: int) -> None:
        """1 to 5 members a household, adjusted so that the station holds `target`."""
        rng = self.rng
        households = [s for s in skeletons if s["kind"] == CardKind.HOUSEHOLD]
        free = [s for s in households if not s["fixed"]]
        for s in free:
            s["size"] = rng.choices((1, 2, 3, 4, 5), weights=(14, 20, 22, 23, 21))[0]
        diff = target - sum(s["size"] for s in households)
        step = 1 if diff > 0 else -1
        guard = 0
        while diff and free and guard < 10 * len(free) + abs(diff) * 10:
            guard += 1
            s = free[rng.randrange(len(free))]
            if 1 <= s["size"] + step <= 5:
                s["size"] += step
                diff -= step

    # -- people --

    def family(self) -> tuple[str, str]:
        index = self.rng.choices(range(len(names.FAMILY_NAMES)), cum_weights=self.family_cum)[0]
        return names.FAMILY_NAMES[index]

    def _birth(self, age: int) -> dt.date:
        age = max(0, age)
        return self.today - dt.timedelta(days=age * 365 + self.rng.randint(0, 364))

    def _occupation(self, age: int) -> str:
        rng = self.rng
        if age < 6:
            return rng.choice(names.SCHOOLS[:2])
        if age < 12:
            return "小学生"
        if age < 15:
            return "中学生"
        if age < 18:
            return "高校生"
        if age < 22 and rng.random() < 0.5:
            return "大学生"
        if age >= 65:
            return rng.choice(["年金生活", "無職", "自営業", "農業"])
        return rng.choice(names.OCCUPATIONS[:8])

    def members(self, skeleton: dict[str, Any]) -> list[dict[str, Any]]:
        rng = self.rng
        care = skeleton["care"]
        size = skeleton["size"]
        foreign = care == "care_foreign"
        if foreign:
            family_name = family_kana = rng.choice(names.FOREIGN_FAMILY)
        else:
            family_name, family_kana = self.family()
        if care == "care_elderly_alone":
            head_age = rng.randint(70, 95)
        elif care == "care_elderly_only":
            head_age = rng.randint(66, 92)
        else:
            head_age = rng.randint(24, 88)
        ages = [head_age]
        relations = [Relationship.HEAD]
        for n in range(1, size):
            if n == 1 and (care == "care_elderly_only" or rng.random() < 0.8):
                ages.append(max(65 if care else 20, head_age + rng.randint(-6, 4)))
                relations.append(Relationship.SPOUSE)
            elif head_age < 55 and rng.random() < 0.12:
                ages.append(head_age + rng.randint(25, 35))
                relations.append(Relationship.PARENT)
            else:
                ages.append(max(0, head_age - rng.randint(22, 40)))
                relations.append(Relationship.CHILD)
        male_head = rng.random() < 0.75
        out = []
        for position, (age, relation) in enumerate(zip(ages, relations, strict=True)):
            male = male_head if relation == Relationship.HEAD else rng.random() < 0.5
            if relation == Relationship.SPOUSE:
                male = not male_head
            if foreign:
                given = given_kana = rng.choice(names.FOREIGN_GIVEN)
            else:
                given, given_kana = rng.choice(names.MALE_GIVEN if male else names.FEMALE_GIVEN)
            member: dict[str, Any] = {
                "name": f"{family_name} {given}",
                "kana": f"{family_kana} {given_kana}",
                "relationship": relation,
                "birth_date": self._birth(age),
                "occupation": self._occupation(age) if rng.random() < 0.85 else "",
                "workplace": rng.choice(names.WORKPLACES) if 22 <= age < 65 else "",
                "phone": self._mobile() if age >= 15 and rng.random() < 0.5 else "",
                "declined": [],
                "position": position,
            }
            if rng.random() < 0.04:
                member["declined"].append("birth_date")
                member["birth_date"] = None
            if rng.random() < 0.03:
                member["declined"].append("phone")
                member["phone"] = ""
            out.append(member)
        return out

    def _mobile(self) -> str:
        rng = self.rng
        return f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"

    def _landline(self) -> str:
        return f"029-{self.rng.randint(200, 399)}-{self.rng.randint(1000, 9999)}"

    # -- the card itself --

    def card_data(self, skeleton: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        kind = skeleton["kind"]
        data: dict[str, Any] = {
            "postal_code": self.postal[skeleton["town"]],
            "prefecture": "茨城県",
            "city": "水戸市",
            "town": skeleton["town"],
            "banchi": skeleton["banchi"],
            "building": skeleton.get("building", ""),
            "room": skeleton.get("room", ""),
            "made_by": rng.choice(MadeBy.values),
            "declined": [],
        }
        if kind == CardKind.APARTMENT:
            data["phone"] = self._landline() if rng.random() < 0.3 else ""
            return data
        if rng.random() < 0.6:
            data["phone"] = self._landline()
        elif rng.random() < 0.1:
            data["declined"].append("phone")
        if kind == CardKind.BUSINESS:
            family, family_kana = self.family()
            suffix, suffix_kana, trade = rng.choice(names.TRADES)
            given, _ = rng.choice(names.MALE_GIVEN)
            data |= {
                "phone": data.get("phone") or self._landline(),
                "business_name": f"{family}{suffix}",
                "business_name_kana": f"{family_kana}{suffix_kana}",
                "business_representative": f"{family} {given}",
                "business_trade": trade,
                "business_staff": rng.randint(1, 40),
                "business_hours": rng.choice(["9:00〜18:00", "10:00〜19:00", "8:30〜17:15"]),
                "business_holidays": rng.choice(["日曜・祝日", "水曜", "土日祝", "不定休"]),
            }
            if rng.random() < 0.4:
                data["emergency_name"] = f"{family} {rng.choice(names.MALE_GIVEN)[0]}"
                data["emergency_phone"] = self._mobile()
            return data
        if skeleton.get("room"):
            data["residence_type"] = rng.choice(
                [ResidenceType.RENTED_FLAT, ResidenceType.RENTED_FLAT, ResidenceType.OWNED_FLAT]
            )
        else:
            data["residence_type"] = rng.choice(
                [ResidenceType.OWNED_HOUSE] * 4 + [ResidenceType.RENTED_HOUSE]
            )
        if rng.random() < 0.7:
            data["moved_in_on"] = self.today - dt.timedelta(days=rng.randint(60, 50 * 365))
        elif rng.random() < 0.1:
            data["declined"].append("moved_in_on")
        if rng.random() < 0.4:
            family, _ = self.family()
            data["emergency_name"] = f"{family} {rng.choice(names.FEMALE_GIVEN)[0]}"
            data["emergency_relation"] = rng.choice(["長男", "長女", "兄", "姉", "知人"])
            data["emergency_phone"] = self._mobile()
        if rng.random() < 0.05:
            data["concerns"] = rng.choice(names.CONCERNS)
        care = skeleton["care"]
        if care:
            data[care] = True
            if care == "care_foreign":
                data["care_language"] = rng.choice(names.LANGUAGES)
            if care == "care_elderly_alone" and rng.random() < 0.3:
                data["care_needs_support"] = True
        return data

    def life(self, card: LiaisonCard, *, closable: bool) -> None:
        """Dates and status: filed some time ago, visited (80%), a few closed."""
        rng = self.rng
        filed = timezone.now() - dt.timedelta(days=rng.randint(30, 15 * 365))
        card.created_at = card.filed_at = filed
        if rng.random() < 0.8:
            card.last_visit_on = self.today - dt.timedelta(days=rng.randint(0, 730))
        if closable and rng.random() < 0.02:
            card.status = CardStatus.CLOSED
            card.closed_on = self.today - dt.timedelta(days=rng.randint(1, 700))
            card.close_reason = rng.choice([CloseReason.MOVED, CloseReason.CLOSED])

    def vehicles(self) -> list[dict[str, str]]:
        rng = self.rng
        roll = rng.random()
        count = 2 if roll < 0.08 else 1 if roll < 0.33 else 0
        out = []
        for _ in range(count):
            kind, model, color = rng.choice(names.VEHICLES)
            hira = rng.choice(
                "あいうえかきくけこさすせそたちつてとなにぬねのはひふほまみむめもやゆよらりるれろわ"
            )
            plate = f"水戸 {rng.randint(300, 599)} {hira} {rng.randint(1, 99):02d}-{rng.randint(10, 99)}"
            out.append({"kind": kind, "maker_model": model, "color": color, "plate": plate})
        return out
