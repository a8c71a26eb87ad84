"""Role × URL of alerts.reports (あんしんメールの統計), for tests/test_role_url_matrix.py.

The 運用総括管理者 sees every 所属's figures, station A's 運用管理者 and 運用責任者 their
station's; the author, the sender and everyone without an alert desk get a 403 (a page of
roles, not of an object). A CSV of a table no report has is a 404 to those who may see the
reports. The figures themselves are tested in tests/alerts/test_reports.py.
"""

from __future__ import annotations

from tests.alerts.matrix_drafts import APPROVER, HQ, REVIEWER
from tests.conftest import World
from tests.matrix_kit import FORBIDDEN, NOT_FOUND, OK, Route, by_variant, each, only

MANAGERS = {APPROVER, REVIEWER, HQ}

ROUTES: dict[str, Route] = {
    "alerts:report_index": Route(get=only(MANAGERS)),
    "alerts:report_csv": Route(
        get=by_variant(
            {"": each(MANAGERS, OK), "unknown": each(MANAGERS, NOT_FOUND)}, default=FORBIDDEN
        ),
        variants={
            "": lambda w: {"key": "alerts_by_month"},
            "unknown": lambda w: {"key": "no-such-table"},
        },
    ),
}


def objects(world: World) -> dict:
    return {}
