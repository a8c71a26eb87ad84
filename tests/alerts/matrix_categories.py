"""Role × URL of alerts.categories (配信区分 and the chain in force), for the matrix of
tests/test_role_url_matrix.py: every alert desk reads, the 運用総括管理者 keeps; a category of
another headquarters is a 404 to him. The matrix's world has no other alert people; an
ended grant (answered as no_role) holds no desk."""

from __future__ import annotations

from accounts.models import Division, Headquarters
from alerts.categories import defaults
from alerts.categories.models import Category
from tests.conftest import World
from tests.matrix_kit import DONE, FORBIDDEN, NOT_FOUND, OK, Route, by_variant, each, only

READERS = {"alert_author", "alert_reviewer", "alert_approver", "alert_sender", "alert_hq_approver"}
KEEPER = {"alert_hq_approver"}


def _obj(key: str):
    return lambda w: {"pk": w.__dict__["objects"][key].pk}


def _division(w: World) -> int:
    return w.__dict__["objects"]["category"].division_id


def _create_data(w: World) -> dict:
    return {
        "code": "matrix-new",
        "name": "マトリクスの区分",
        "division": str(_division(w)),
        "off_hours_route": "same",
        "order": "90",
        "is_active": "on",
    }


def _edit_data(w: World) -> dict:
    category = w.__dict__["objects"]["category"]
    return {
        "name": f"{category.name}（変更）",
        "division": str(category.division_id),
        "off_hours_route": category.off_hours_route,
        "order": str(category.order),
        "is_active": "on",
        "version": str(category.version),
    }


ROUTES: dict[str, Route] = {
    "alerts:category_list": Route(get=only(READERS)),
    "alerts:chain": Route(get=only(READERS)),
    "alerts:category_create": Route(
        get=only(KEEPER),
        post=only(KEEPER, status=DONE),
        post_data=_create_data,
    ),
    "alerts:category_edit": Route(
        get=by_variant(
            {"": each(KEEPER, OK), "other_hq": each(KEEPER, NOT_FOUND)}, default=FORBIDDEN
        ),
        post=by_variant(
            {"": each(KEEPER, DONE), "other_hq": each(KEEPER, NOT_FOUND)}, default=FORBIDDEN
        ),
        variants={"": _obj("category"), "other_hq": _obj("category_other_hq")},
        post_data=_edit_data,
    ),
}


def objects(world: World) -> dict:
    categories = {c.code: c for c in defaults.install(world.hq, "gunma")}
    other_hq = Headquarters.objects.create(name="他県警察本部")
    division = Division.objects.create(headquarters=other_hq, code="other-hq", name="生活安全部")
    return {
        "category": categories["suspicious"],
        "category_other_hq": Category.objects.create(
            code="other-hq", name="他県の区分", division=division
        ),
    }
