"""Menu entries and home panels of 巡回連絡, registered with accounts.navigation."""

from __future__ import annotations

from accounts import permissions
from accounts.models import Beat, Station
from accounts.navigation import NavEntry, register_nav


def _has_books(user) -> bool:
    return permissions.holds_anywhere(user, "view_beat_cards", Beat)


def _keeps_submitted(user) -> bool:
    return (
        permissions.may_submit_cards(user)
        or permissions.holds_anywhere(user, "assign_submitted_cards", Station)
        or permissions.holds_anywhere(user, "change_beat_cards", Beat)
    )


def _may_break_glass(user) -> bool:
    return permissions.holds_anywhere(user, "break_glass", Station)


def register() -> None:
    register_nav(NavEntry("巡回連絡簿", "liaison:book_list", _has_books, order=20))
    register_nav(NavEntry("カード検索", "liaison:card_search", _has_books, order=21))
    register_nav(NavEntry("提出・下書きのカード", "liaison:submitted_list", _keeps_submitted, 22))
    register_nav(NavEntry("緊急閲覧", "liaison:break_glass", _may_break_glass, order=29))
    register_visits()
    register_work()
    register_progress()
    register_issue10()


# Each block below belongs to the pages of one part of 巡回連絡 (issue 4): menu entries and
# home panels. The panel templates live under templates/liaison/panels/.


def register_visits() -> None:
    """巡回連絡の記録・夜間巡回連絡の承認 (liaison/views/visits.py)."""
    from accounts.navigation import HomePanel, register_panel

    from .views import hours, visits

    register_nav(
        NavEntry("夜間巡回連絡", "liaison:night_request_list", visits.uses_night_requests, 24)
    )
    register_nav(
        NavEntry("時間外の巡回連絡", "liaison:visit_hours_list", hours.approves_night_visits, 25)
    )
    register_panel(
        HomePanel(
            "時間外の巡回連絡（確認待ち）",
            "liaison/panels/hours_waiting.html",
            hours.has_visit_hours_waiting,
            hours.visit_hours_panel,
            order=7,
        )
    )
    # Shown only while something waits, as the notices are: one query, shared by the
    # predicate and the context.
    register_panel(
        HomePanel(
            "夜間巡回連絡の承認待ち",
            "liaison/panels/night_waiting.html",
            visits.has_night_requests_waiting,
            visits.night_waiting_panel,
            order=7,
        )
    )


def register_work() -> None:
    """Worklist, frequency policy, takeover, dedicated days (liaison/views/work.py)."""
    from accounts.navigation import HomePanel, register_panel

    from .views import instructions, work

    def records_visits(user) -> bool:
        return permissions.holds_anywhere(user, "record_visits", Beat)

    def reads_policy(user) -> bool:
        # Kept to what the home page already asks (cached per request): HQ (地域部長,
        # 統括管理責任者) and the reviewers of progress. Officers reach it from their worklist.
        return permissions.holds_anywhere(user, "review_progress", Station)

    def sets_dedicated_days(user) -> bool:
        return permissions.holds_anywhere(user, "set_dedicated_days", Station)

    def reads_takeovers(user) -> bool:
        # The questions the other entries ask first (cached per request), then his post.
        return work.may_list_takeovers(user)

    register_nav(NavEntry("巡回連絡の予定（ワークリスト）", "liaison:worklist", records_visits, 30))
    register_nav(NavEntry("引継ぎ", "liaison:takeover_list", reads_takeovers, order=36))
    register_nav(NavEntry("専従日", "liaison:dedicated_days_mine", sets_dedicated_days, 37))
    register_nav(NavEntry("実施頻度", "liaison:visit_policy", reads_policy, order=38))
    register_panel(
        HomePanel(
            "受持区の引継ぎ",
            "liaison/panels/work_takeover.html",
            work.has_pending_takeovers,
            work.takeover_panel,
            order=8,
        )
    )
    register_panel(
        HomePanel(
            "巡回連絡の予定",
            "liaison/panels/worklist_summary.html",
            records_visits,
            work.worklist_panel,
            order=22,
        )
    )
    register_nav(
        NavEntry(
            "署長指示",
            "liaison:station_instructions_mine",
            instructions.issues_instructions,
            order=39,
        )
    )


def register_progress() -> None:
    """Progress review and plans (liaison/views/progress.py)."""
    from accounts.navigation import HomePanel, register_panel

    from .views.progress import progress_panel

    def reviews_progress(user) -> bool:
        return permissions.holds_anywhere(user, "review_progress", Station)

    def records_visits(user) -> bool:
        return permissions.holds_anywhere(user, "record_visits", Beat)

    register_nav(NavEntry("進捗管理", "liaison:progress_home", reviews_progress, order=40))
    register_nav(NavEntry("巡回連絡の計画", "liaison:my_plans", records_visits, order=41))
    register_panel(
        HomePanel(
            "巡回連絡の進捗",
            "liaison/panels/progress_summary.html",
            reviews_progress,
            progress_panel,
            order=25,
        )
    )


def register_issue10() -> None:
    """手交, 受持区の区域, 指導・評価, and the drafts waiting too long (issue 10)."""
    from accounts.navigation import HomePanel, register_panel

    from . import panels

    def records_visits(user) -> bool:
        return permissions.holds_anywhere(user, "record_visits", Beat)

    def sets_areas(user) -> bool:
        return permissions.holds_anywhere(user, "set_beat_area", Beat)

    register_nav(NavEntry("カードの手交", "liaison:handout_list", _has_books, order=31))
    register_nav(NavEntry("受持区の区域（管内）", "liaison:beat_area_list", sets_areas, order=39))
    register_nav(NavEntry("実績と指導・評価", "liaison:my_figures", records_visits, order=42))
    register_panel(
        HomePanel(
            "提出していない下書き",
            "liaison/panels/stale_drafts.html",
            panels.has_stale_drafts,
            panels.stale_drafts_panel,
            order=6,
        )
    )
    register_panel(
        HomePanel(
            "提出されていない下書き",
            "liaison/panels/stale_drafts_chief.html",
            panels.has_stale_drafts_to_chase,
            panels.stale_drafts_chief_panel,
            order=9,
        )
    )
    register_panel(
        HomePanel(
            "受持区の指定を待つカード",
            "liaison/panels/cards_waiting.html",
            panels.has_cards_waiting_for_beat,
            panels.cards_waiting_panel,
            order=6,
        )
    )
