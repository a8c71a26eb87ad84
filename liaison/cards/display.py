"""How a card reads on its page: each optional item as a value, empty or declined (回答拒否),
and the members' rows with their date of birth in 和暦 and their age."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accounts.utils import dates
from liaison import text
from liaison.cards.models import (
    MEMBER_OPTIONAL_FIELDS,
    LiaisonCard,
)


def item_row(label: str, value: Any, declined: bool) -> dict[str, Any]:
    if declined:
        state = "declined"
    elif value in (None, "", []):
        state = "empty"
    else:
        state = "value"
    return {"label": label, "value": value, "state": state}


def item_display(card: LiaisonCard, name: str) -> Any:
    if name == "residence_type":
        return card.get_residence_type_display() if card.residence_type else ""
    if name == "emergency_name" and card.emergency_name:
        extra = " ".join(p for p in (card.emergency_relation, card.emergency_phone) if p)
        return f"{card.emergency_name}（{extra}）" if extra else card.emergency_name
    if name == "business_staff" and card.business_staff is not None:
        return f"{card.business_staff}人"
    value = getattr(card, name)
    return text.date_ja(value) if isinstance(value, dt.date) else value


def age_on(born: dt.date | None, today: dt.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def member_rows(members) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for member in members:
        declined = set(member.declined)
        born = member.birth_date
        # Residents give their date of birth in 和暦: 1960年5月1日（昭和35年） 66歳.
        born_text = f"{dates.birth_date_ja(born)} {age_on(born, today)}歳" if born else ""
        values = {
            "kana": member.kana,
            "relationship": member.get_relationship_display() if member.relationship else "",
            "birth_date": born_text,
            "occupation": member.occupation,
            "workplace": member.workplace,
            "phone": member.phone,
        }
        rows.append(
            {
                "name": member.name,
                "cells": [
                    item_row(label, values[name], name in declined)
                    for name, label in MEMBER_OPTIONAL_FIELDS.items()
                ],
            }
        )
    return rows
