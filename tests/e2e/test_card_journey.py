"""An officer's round with a card in a real browser: he makes a household card of three at
the door (postal look-up, members added without reloading), finds it again by kana typed
half-width, corrects it with a reason, and prints it. axe-core finds nothing on the way.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import AccessEvent
from liaison.cards.models import LiaisonCard
from tests.conftest import build_world
from tests.e2e.conftest import axe_violations, describe_violations, sign_in
from tests.liaison.conftest import make_household, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBERS = [
    ("山本 健一", "ヤマモト ケンイチ", "head"),
    ("山本 幸子", "ヤマモト サチコ", "spouse"),
    ("山本 大輝", "ヤマモト ダイキ", "child"),
]


def _fill_member(page, index: int, name: str, kana: str, relationship: str) -> None:
    page.fill(f"#id_members-{index}-name", name)
    page.fill(f"#id_members-{index}-kana", kana)
    page.select_option(f"#id_members-{index}-relationship", relationship)


def test_an_officer_makes_finds_corrects_and_prints_a_household_card(new_context, live_server):
    world = build_world()
    officer = world.beat_officer
    context = new_context(viewport={"width": 1024, "height": 1366})  # a tablet, upright
    sign_in(context, live_server, officer)
    page = context.new_page()
    found: dict[str, list] = {}

    # 1. The book of his beat, then a new household card.
    page.goto(live_server.url + reverse("liaison:book_list"))
    page.click(f"text={world.beat_a1_1.name}")
    page.wait_for_url(re.compile(r"/liaison/books/\d+/$"))
    found["巡回連絡簿"] = axe_violations(page, live_server)
    page.goto(
        live_server.url
        + reverse("liaison:book_card_create", kwargs={"pk": world.beat_a1_1.pk})
        + "?kind=household"
    )
    found["カードの作成"] = axe_violations(page, live_server)

    # The postal code fills 都道府県・市区町村・町字 from the offline table.
    page.fill("#id_postal_code", "310-0852")
    page.click("text=郵便番号から住所を入力")
    expect(page.locator("#id_town")).to_have_value("笠原町")
    expect(page.locator("#id_prefecture")).to_have_value("茨城県")
    expect(page.locator("#id_city")).to_have_value("水戸市")
    page.fill("#id_banchi", "一丁目2番3号")
    page.fill("#id_phone", "029-241-0110")

    # Three members: one row is there, two more are added in the page.
    url_before = page.url
    _fill_member(page, 0, *MEMBERS[0])
    for index in (1, 2):
        page.click("text=世帯員を追加")
        page.wait_for_selector(f"#id_members-{index}-name")
        _fill_member(page, index, *MEMBERS[index])
    assert page.url == url_before  # no reload: what was typed is still there
    assert page.input_value("#id_members-0-name") == MEMBERS[0][0]
    page.click("button[value=file]")
    page.wait_for_url(re.compile(r"/liaison/cards/\d+/$"))
    assert "作成して編てつしました" in page.inner_text(".messages, [role=status], main")
    card = LiaisonCard.objects.get(head_name="山本 健一")
    assert card.status == "filed" and card.member_count == 3
    assert card.book_id == world.beat_a1_1.pk
    found["カード"] = axe_violations(page, live_server)

    # 2. Found again by kana typed in half-width, as a tablet keyboard may give it.
    page.goto(live_server.url + reverse("liaison:card_search"))
    page.fill("#id_q", "ﾔﾏﾓﾄ ｻﾁｺ")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q="))
    result = page.locator("table a", has_text="山本 健一")
    assert result.count() == 1
    found["カード検索"] = axe_violations(page, live_server)
    result.click()
    page.wait_for_url(re.compile(rf"/liaison/cards/{card.pk}/$"))

    # 3. Corrected (補正) with a reason: the phone number changed.
    page.click("text=補正（内容の修正）")
    page.wait_for_url(re.compile(r"/edit/$"))
    found["補正"] = axe_violations(page, live_server)
    page.fill("#id_phone", "029-241-9999")
    page.click("button[value=save]")  # without a reason: refused at the field
    assert page.locator("#id_reason").get_attribute("aria-invalid") == "true"
    assert "理由" in page.inner_text("main")
    page.fill("#id_reason", "電話番号の変更を聴取")
    page.click("button[value=save]")
    page.wait_for_url(re.compile(rf"/liaison/cards/{card.pk}/$"))
    card.refresh_from_db()
    assert card.phone == "029-241-9999"
    history = page.inner_text("main")
    assert "電話番号の変更を聴取" in history  # the history on the card page says why

    # 4. Printed: a PDF with the officer's name in the watermark, and an access event.
    # The card page's print link, fetched with the officer's session (Chromium would show
    # the inline PDF in its viewer, which a test cannot read).
    href = page.get_attribute("a:has-text('印刷（PDF）')", "href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert "山本健一" in text and "ヤマモトサチコ" in text
    assert officer.full_name.replace(" ", "") in text  # who printed it
    assert AccessEvent.objects.filter(
        user=officer, action=AccessEvent.Action.PRINT, object_id=str(card.pk)
    ).exists()

    assert not any(found.values()), "\n" + describe_violations(found)


def test_an_officer_types_the_common_kanji_and_finds_the_residents_own(new_context, live_server):
    """Issue 10: the card says 髙橋 德子 as the resident writes it; the officer types 高橋 on
    a tablet and finds it, opens it and sees the exact form. A name that matches nothing
    says so, with the count."""
    world = build_world()
    officer = world.beat_officer
    make_household(
        officer,
        world.beat_a1_1,
        members=[{"name": "髙橋 德子", "kana": "タカハシ トクコ", "relationship": "head"}],
    )
    context = new_context(viewport={"width": 1024, "height": 1366})
    sign_in(context, live_server, officer)
    page = context.new_page()

    page.goto(live_server.url + reverse("liaison:card_search"))
    page.fill("#id_q", "高橋")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q="))
    expect(page.locator("[role=status]")).to_contain_text("検索結果：1件")
    result = page.locator("table a", has_text="髙橋 德子")
    assert result.count() == 1
    found = {"カード検索（異体字）": axe_violations(page, live_server)}
    result.click()
    page.wait_for_url(re.compile(r"/liaison/cards/\d+/$"))
    assert "髙橋 德子" in page.inner_text("main")

    page.goto(live_server.url + reverse("liaison:card_search"))
    page.fill("#id_q", "佐々木")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q="))
    expect(page.locator("[role=status]")).to_contain_text("検索結果：0件")
    assert "一致するカードはありません" in page.inner_text("main")
    found["カード検索（0件）"] = axe_violations(page, live_server)

    assert not any(found.values()), "\n" + describe_violations(found)
