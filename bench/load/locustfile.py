"""The simulated people of `make load`, each signed in as a real user of the bench station.

- Beat officers (every Locust user but two, spread over the station's twenty officers):
  their book, their worklist, a kana search, a card of their beat, and now and then a visit
  recorded through the real form (GET for the CSRF token, then POST), on a card of their
  own beat.
- The 地域課長: the station's progress and the approval lists (night visits, visits
  outside the hours, submitted cards).
- The 本部監査担当: the access log searched by person, by card and by day, past the second
  factor with a TOTP code computed from the device's key, as the authenticator app would.

A request counts as an error unless it answers 2xx (after redirects) with the page's own
heading: a sign-in page that a redirect led to is an error, not a fast page. Requests are
named by page kind, never by URL with ids.

The plan (who signs in, which cards, which searches) is a JSON file written by
bench/load/runner.py, named by LOAD_PLAN. Run through `python -m bench.load`; it can also be
run by hand: `LOAD_PLAN=plan.json locust -f bench/load/locustfile.py --headless ...`.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

from locust import FastHttpUser, between, task

from bench.load.clock import totp, visit_times

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PLAN: dict = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
WAIT = PLAN.get("wait", [1.0, 3.0])
# Paths reversed by the runner from the URL names, with {pk} where an id goes.
URLS: dict[str, str] = PLAN["urls"]
# "mix" (officers, the 地域課長, the auditor) or "floor" (the empty page alone).
PHASE = os.environ.get("LOAD_PHASE", "mix")
# Every officer account in turn: 48 Locust users over 20 officers is two or three devices
# each, as shifts sharing a beat's book would be.
_officers = itertools.cycle(PLAN.get("officers", []))
# How many users have finished signing in (or failed to): the measured window starts when
# all have (bench/load/drive.py).
SIGNED_IN = [0]


def _h1(text: str) -> re.Pattern[str]:
    return re.compile(r"<h1[^>]*>\s*" + re.escape(text))


def _title(text: str) -> re.Pattern[str]:
    return re.compile(r"<title>[^<]*" + re.escape(text))


BOOK = _h1("巡回連絡簿")
WORKLIST = _h1("巡回連絡の予定")
SEARCH = _h1("カード検索")
CARD = _title("| 巡回連絡カード</title>")
VISIT_FORM = _h1("巡回連絡の記録")
# The card page after a visit: the card's title and the message that it was recorded.
VISIT_DONE = re.compile(r"\| 巡回連絡カード</title>[\s\S]*の巡回連絡（[^。]*）を記録しました。")
PROGRESS = _h1("巡回連絡の進捗")
NIGHT = _h1("夜間巡回連絡")
HOURS = _h1("時間外の巡回連絡")
SUBMITTED = _h1("提出・下書きのカード")
AUDIT = _h1("閲覧記録の検索")
HOME = _h1("ホーム")
OTP = _h1("二要素認証")
FLOOR = _h1("空のページ")


class Person(FastHttpUser):
    """Signs in through the real form once, then browses with a think time in between."""

    abstract = True
    wait_time = between(*WAIT)
    number = ""

    def on_start(self) -> None:
        try:
            self.begin()
        finally:
            SIGNED_IN[0] += 1

    def begin(self) -> None:
        raise NotImplementedError

    def page(self, path: str, name: str, expect: re.Pattern[str]):
        """GET a page; an error unless it answers 2xx with `expect` in its body."""
        with self.client.get(path, name=name, catch_response=True) as response:
            self._check(response, expect)
            return response

    def _check(self, response, expect: re.Pattern[str]) -> None:
        status = response.status_code or 0
        text = response.text or ""
        if not 200 <= status < 400:
            response.failure(f"HTTP {status}")
        elif not expect.search(text):
            got = re.search(r"<title>([^<]*)</title>", text)
            response.failure(f"見出しがありません（{got.group(1) if got else '題名なし'}）")
        else:
            response.success()

    def post(self, path: str, name: str, data: dict, expect: re.Pattern[str]):
        with self.client.post(path, name=name, data=data, catch_response=True) as response:
            self._check(response, expect)
            return response

    @staticmethod
    def csrf(response) -> str:
        found = CSRF.search(response.text or "")
        return found.group(1) if found else ""

    def sign_in(self, landing: re.Pattern[str] = HOME):
        form = self.page(URLS["login"], "sign-in form", _h1("サインイン"))
        return self.post(
            URLS["login"],
            "sign-in",
            {
                "csrfmiddlewaretoken": self.csrf(form),
                "username": self.number,
                "password": PLAN["password"],
                "next": "",
            },
            landing,
        )


class Officer(Person):
    """A beat officer of the station reading his book and recording visits on his beat."""

    abstract = PHASE != "mix"
    weight = 1

    def begin(self) -> None:
        me = next(_officers)
        self.number = me["number"]
        self.book = me["book"]
        self.pages = max(1, me["pages"])
        self.cards = me["cards"]
        self.sign_in()

    @task(4)
    def book_page(self) -> None:
        # Mostly the first pages, as a book in 50音 order is read.
        number = min(self.pages, random.choice([1, 1, 1, 2, 2, 3, 4, 5, 10, 20]))
        self.page(
            URLS["book"].format(pk=self.book) + f"?order=kana&page={number}", "book page", BOOK
        )

    @task(2)
    def worklist(self) -> None:
        self.page(URLS["worklist"], "worklist", WORKLIST)

    @task(2)
    def search(self) -> None:
        term = random.choice(PLAN["search"])
        self.page(f"{URLS['search']}?q={term}", "kana search", SEARCH)

    @task(3)
    def card(self) -> None:
        self.page(URLS["card"].format(pk=random.choice(self.cards)), "card page", CARD)

    @task(1)
    def visit(self) -> None:
        card = random.choice(self.cards)
        path = URLS["visit"].format(pk=card)
        form = self.page(path, "visit form", VISIT_FORM)
        token = self.csrf(form)
        if not token:
            return  # the form page already counted as an error
        day, start, end = visit_times()
        outcome = random.choices(["met", "absent", "card_handed"], weights=[7, 2, 1])[0]
        data = {
            "csrfmiddlewaretoken": token,
            "date": day,
            "started_at": start,
            "ended_at": end,
            "outcome": outcome,
            "topic_note": "防犯情報のチラシを手渡した。" if outcome == "met" else "",
            "concerns": "",
            "follow_up_department": "",
            "follow_up_note": "",
            "outside_hours_reason": "",
        }
        if outcome == "met":
            data["topic_trends"] = "guidance"
        # The POST alone (it answers 302 to the card), then the card page it leads to, which
        # must say that the visit was recorded.
        card_url = URLS["card"].format(pk=card)
        with self.client.post(
            path, name="visit record (POST)", data=data, allow_redirects=False, catch_response=True
        ) as response:
            location = (response.headers or {}).get("location", "")
            if response.status_code == 302 and location.endswith(card_url):
                response.success()
            else:
                errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)', response.text or "")
                response.failure(
                    f"HTTP {response.status_code} {location} {' / '.join(errors[:3])}".strip()
                )
                return
        self.page(card_url, "card page", VISIT_DONE)


class Chief(Person):
    """The station's 地域課長: progress and the lists he approves from."""

    abstract = PHASE != "mix"
    fixed_count = 1

    def begin(self) -> None:
        self.number = PLAN["chief"]["number"]
        self.station = PLAN["chief"]["station"]
        self.sign_in()

    @task(3)
    def progress(self) -> None:
        self.page(URLS["progress"].format(pk=self.station), "station progress", PROGRESS)

    @task(1)
    def night(self) -> None:
        self.page(URLS["night"], "night requests", NIGHT)

    @task(1)
    def hours(self) -> None:
        self.page(URLS["hours"], "visits outside hours", HOURS)

    @task(1)
    def submitted(self) -> None:
        self.page(URLS["submitted"], "submitted cards", SUBMITTED)


class Auditor(Person):
    """The 本部監査担当: the access log, past the second factor."""

    abstract = PHASE != "mix"
    fixed_count = 1

    def begin(self) -> None:
        me = PLAN["auditor"]
        self.number = me["number"]
        self.key = me["totp_key"]
        self.people = me["people"]
        self.cards = me["cards"]
        self.days = me["days"]
        verify = self.sign_in(OTP)
        for attempt in range(2):
            if attempt:
                # A code is accepted once: wait for the next one (another run may have
                # used this step's code a moment ago).
                time.sleep(30 - time.time() % 30 + 1)
                verify = self.page(URLS["otp"], "two-factor form", OTP)
            data = {"csrfmiddlewaretoken": self.csrf(verify), "token": totp(self.key), "next": ""}
            with self.client.post(
                URLS["otp"], name="two-factor", data=data, catch_response=True
            ) as r:
                if HOME.search(r.text or ""):
                    r.success()
                    return
                if attempt:
                    self._check(r, HOME)
                else:
                    r.success()  # retried below with the next code

    @task(2)
    def by_person(self) -> None:
        self.page(f"{URLS['audit']}?person={random.choice(self.people)}", "audit search", AUDIT)

    @task(2)
    def by_card(self) -> None:
        self.page(f"{URLS['audit']}?card={random.choice(self.cards)}", "audit search", AUDIT)

    @task(1)
    def by_day(self) -> None:
        day = random.choice(self.days)
        self.page(f"{URLS['audit']}?start={day}&end={day}", "audit search", AUDIT)


class FloorOfficer(Person):
    """The floor phase: the empty signed-in page (bench/floor.py), with no think time, so
    that its rate is what the server can serve at most on a signed-in page."""

    abstract = PHASE != "floor"
    wait_time = between(0, 0)

    def begin(self) -> None:
        self.number = next(_officers)["number"]
        self.sign_in()

    @task
    def floor(self) -> None:
        self.page(URLS["floor"], "floor (empty page)", FLOOR)
