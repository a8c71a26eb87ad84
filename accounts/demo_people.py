"""The demo's organisation and people, as data for `manage.py seed_demo`: the stations with
their posts and beats, the departments, and every demo person with his appointments (the
HQ alert desks with their division) and beats. The names are fictional."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Department, Post, Role

HQ_NAME = "茨城県警察本部"
DEMO_DEVICE_NAME = "デモ用TOTP"

# Station code, name, and its posts: (kind, name, beats).
STATIONS: list[tuple[str, str, list[tuple[str, str, list[str]]]]] = [
    (
        "101",
        "水戸中央警察署",
        [
            (Post.Kind.KOBAN, "駅南交番", ["第1受持区", "第2受持区", "第3受持区"]),
            (Post.Kind.CHUZAISHO, "千波駐在所", ["千波町一丁目", "千波町二丁目"]),
            (Post.Kind.SHOZAICHI, "本署所在地", ["三の丸", "南町"]),
        ],
    ),
    (
        "102",
        "ひたちなか東警察署",
        [
            (Post.Kind.KOBAN, "勝田駅前交番", ["第1受持区", "第2受持区"]),
            (Post.Kind.CHUZAISHO, "阿字ヶ浦駐在所", ["阿字ヶ浦町", "磯崎町", "平磯町"]),
            (Post.Kind.SHOZAICHI, "本署所在地", ["東石川", "西大島"]),
        ],
    ),
]
DEPARTMENTS = [
    (Department.Kind.COMMUNITY, "地域課"),
    (Department.Kind.SAFETY, "生活安全課"),
    (Department.Kind.CRIMINAL, "刑事課"),
    (Department.Kind.TRAFFIC, "交通課"),
    (Department.Kind.GENERAL, "警務課"),
]

# What each role can do here, in one short phrase for the table of demo logins.
ROLE_PHRASES: dict[str, str] = {
    Role.OVERALL_MANAGER: "全署のカードを閲覧（読取りのみ）、職員・役職の管理",
    Role.REGIONAL_DIRECTOR: "巡回連絡の実施頻度の設定、全署の進捗の確認（カードは見ない）",
    Role.AUDITOR: "閲覧記録の監査（カードの内容は見ない）",
    Role.ALERT_HQ_APPROVER: "あんしんメールの統括（配信区分の管理、県内全域の配信の協議）",
    Role.STATION_MANAGER: "署のカードの閲覧・出力、進捗の確認",
    Role.CHIEF: "夜間巡回連絡の承認、提出カードの編てつ指示、進捗管理",
    Role.SUPERVISOR: "交番・駐在所の受持区のカードの作成・補正・出力",
    Role.BEAT_OFFICER: "受持区のカードの作成・補正、巡回連絡の記録",
    Role.STAFF: "巡回連絡カードを作成し地域課長へ提出、連絡員候補の報告、課の対応事項",
    Role.DEPARTMENT_HEAD: "課の対応事項（期限超過の確認）、連絡員候補の報告",
    Role.ALERT_AUTHOR: "あんしんメールの配信文の作成",
    Role.ALERT_REVIEWER: "配信文の審査",
    Role.ALERT_APPROVER: "署の配信の承認",
    Role.ALERT_SENDER: "承認済み配信の発信操作",
}
# The alert desks at HQ divisions (seed 004 3⑵⑶, seed 003 4・6⑴) say what they do there.
DIVISION_ROLE_PHRASES: dict[str, str] = {
    Role.ALERT_AUTHOR: "本部の所属の配信文の作成",
    Role.ALERT_REVIEWER: "所属の配信文の確認（次席）",
    Role.ALERT_APPROVER: "所管する区分の配信の承認（所属長）",
    Role.ALERT_SENDER: "本部からの発信操作（指定された担当者）",
}
DUTY_DESK_PHRASE = "執務時間外の報告の受理・判断（総合当直）"


@dataclass(frozen=True)
class DemoAppointment:
    role: str
    unit: str  # "hq", a station code, or "<station code>/<post name>"
    department: str = ""  # a department name of the unit's station
    division: str = ""  # at "hq": the code of an HQ division (accounts.divisions)

    @property
    def phrase(self) -> str:
        """What this appointment lets its holder do, for the table of demo logins."""
        if self.division == "sogo-toku":
            return DUTY_DESK_PHRASE
        if self.division:
            return DIVISION_ROLE_PHRASES.get(self.role, ROLE_PHRASES[self.role])
        return ROLE_PHRASES[self.role]


@dataclass(frozen=True)
class DemoPerson:
    employee_number: str
    full_name: str
    full_name_kana: str
    appointments: list[DemoAppointment]
    beats: list[str] = field(default_factory=list)  # "<station code>/<post name>/<beat name>"


A = DemoAppointment
PEOPLE: list[DemoPerson] = [
    # 警察本部
    DemoPerson("260001", "大森 正樹", "オオモリ マサキ", [A(Role.OVERALL_MANAGER, "hq")]),
    DemoPerson("260002", "小池 真理子", "コイケ マリコ", [A(Role.AUDITOR, "hq")]),
    # 広報広聴課長: 運用総括管理者 (seed 004 3⑴ア), and 運用管理者 of his own 所属 (お知らせ).
    DemoPerson(
        "260003",
        "岩田 浩二",
        "イワタ コウジ",
        [
            A(Role.ALERT_HQ_APPROVER, "hq"),
            A(Role.ALERT_APPROVER, "hq", division="koho-kocho"),
        ],
    ),
    DemoPerson("260004", "石川 文雄", "イシカワ フミオ", [A(Role.REGIONAL_DIRECTOR, "hq")]),
    # 本部の所属のあんしんメールの担当: 生活安全企画課 (seed 003 の本部担当係と、6⑴の発信操作担当者),
    # the divisions in charge of other categories, and the 総合当直 (seed 003 4, 執務時間外).
    DemoPerson(
        "260005",
        "三浦 聡",
        "ミウラ サトシ",
        [A(Role.ALERT_APPROVER, "hq", division="seian-kikaku")],
    ),
    DemoPerson(
        "260006",
        "中島 敦子",
        "ナカジマ アツコ",
        [A(Role.ALERT_REVIEWER, "hq", division="seian-kikaku")],
    ),
    DemoPerson(
        "260007",
        "近藤 美和",
        "コンドウ ミワ",
        [A(Role.ALERT_SENDER, "hq", division="seian-kikaku")],
    ),
    DemoPerson(
        "260008",
        "坂本 陽介",
        "サカモト ヨウスケ",
        [A(Role.ALERT_AUTHOR, "hq", division="seian-kikaku")],
    ),
    DemoPerson(
        "260009",
        "遠藤 久美子",
        "エンドウ クミコ",
        [A(Role.ALERT_APPROVER, "hq", division="jinshin-shonen")],
    ),
    DemoPerson(
        "260010", "青木 武", "アオキ タケシ", [A(Role.ALERT_APPROVER, "hq", division="sosa-ikka")]
    ),
    DemoPerson(
        "260011", "西村 翼", "ニシムラ ツバサ", [A(Role.ALERT_SENDER, "hq", division="sosa-ikka")]
    ),
    DemoPerson(
        "260012",
        "福田 昭",
        "フクダ アキラ",
        [A(Role.ALERT_APPROVER, "hq", division="kotsu-kikaku")],
    ),
    DemoPerson(
        "260013", "太田 悟", "オオタ サトル", [A(Role.ALERT_APPROVER, "hq", division="sogo-toku")]
    ),
    # Seed 004 4⑷イ: a prefecture-wide send comes from the division in charge, so each
    # division in charge of a category has its 運用管理者 and its 発信操作担当者.
    DemoPerson(
        "260014",
        "村上 里美",
        "ムラカミ サトミ",
        [A(Role.ALERT_SENDER, "hq", division="koho-kocho")],
    ),
    DemoPerson(
        "260015",
        "池田 大輔",
        "イケダ ダイスケ",
        [A(Role.ALERT_APPROVER, "hq", division="sosa-nika")],
    ),
    DemoPerson(
        "260016", "山下 千尋", "ヤマシタ チヒロ", [A(Role.ALERT_SENDER, "hq", division="sosa-nika")]
    ),
    DemoPerson(
        "260017", "岡田 正", "オカダ タダシ", [A(Role.ALERT_SENDER, "hq", division="kotsu-kikaku")]
    ),
    DemoPerson(
        "260018", "前田 勝", "マエダ マサル", [A(Role.ALERT_APPROVER, "hq", division="kotsu-kisei")]
    ),
    DemoPerson(
        "260019", "藤井 沙織", "フジイ サオリ", [A(Role.ALERT_SENDER, "hq", division="kotsu-kisei")]
    ),
    # 水戸中央警察署: every station role. The 署長 is also 所属長, so 運用管理者 as well.
    DemoPerson(
        "260101",
        "松本 健一",
        "マツモト ケンイチ",
        [A(Role.STATION_MANAGER, "101"), A(Role.ALERT_APPROVER, "101")],
    ),
    DemoPerson("260102", "佐藤 隆", "サトウ タカシ", [A(Role.CHIEF, "101", "地域課")]),
    DemoPerson("260103", "吉田 修", "ヨシダ オサム", [A(Role.ALERT_REVIEWER, "101")]),
    DemoPerson("260104", "加藤 亮", "カトウ リョウ", [A(Role.ALERT_AUTHOR, "101", "生活安全課")]),
    DemoPerson("260105", "山口 恵", "ヤマグチ メグミ", [A(Role.ALERT_SENDER, "101", "警務課")]),
    DemoPerson("260106", "小林 直美", "コバヤシ ナオミ", [A(Role.STAFF, "101", "生活安全課")]),
    # 交通課: acts on requests heard from liaison members (地域安全ネットワーク 3⑴ウ).
    DemoPerson("260107", "森 和也", "モリ カズヤ", [A(Role.STAFF, "101", "交通課")]),
    DemoPerson("260108", "藤田 誠司", "フジタ セイジ", [A(Role.DEPARTMENT_HEAD, "101", "交通課")]),
    DemoPerson(
        "260111", "鈴木 一郎", "スズキ イチロウ", [A(Role.SUPERVISOR, "101/駅南交番", "地域課")]
    ),
    DemoPerson(
        "260112", "高橋 誠", "タカハシ マコト", [A(Role.SUPERVISOR, "101/千波駐在所", "地域課")]
    ),
    DemoPerson(
        "260113", "田中 美穂", "タナカ ミホ", [A(Role.SUPERVISOR, "101/本署所在地", "地域課")]
    ),
    DemoPerson(
        "260121",
        "伊藤 大輔",
        "イトウ ダイスケ",
        [A(Role.BEAT_OFFICER, "101/駅南交番", "地域課")],
        ["101/駅南交番/第1受持区"],
    ),
    DemoPerson(
        "260122",
        "渡辺 翔太",
        "ワタナベ ショウタ",
        [A(Role.BEAT_OFFICER, "101/駅南交番", "地域課")],
        ["101/駅南交番/第2受持区", "101/駅南交番/第3受持区"],
    ),
    DemoPerson(
        "260123",
        "山本 拓也",
        "ヤマモト タクヤ",
        [A(Role.BEAT_OFFICER, "101/千波駐在所", "地域課")],
        ["101/千波駐在所/千波町一丁目", "101/千波駐在所/千波町二丁目"],
    ),
    DemoPerson(
        "260124",
        "中村 さくら",
        "ナカムラ サクラ",
        [A(Role.BEAT_OFFICER, "101/本署所在地", "地域課")],
        ["101/本署所在地/三の丸"],
    ),
    # ひたちなか東警察署
    DemoPerson("260201", "清水 拓", "シミズ タク", [A(Role.CHIEF, "102", "地域課")]),
    DemoPerson(
        "260211", "井上 剛", "イノウエ ツヨシ", [A(Role.SUPERVISOR, "102/勝田駅前交番", "地域課")]
    ),
    DemoPerson(
        "260212", "木村 浩", "キムラ ヒロシ", [A(Role.SUPERVISOR, "102/阿字ヶ浦駐在所", "地域課")]
    ),
    DemoPerson(
        "260213", "林 和也", "ハヤシ カズヤ", [A(Role.SUPERVISOR, "102/本署所在地", "地域課")]
    ),
    DemoPerson(
        "260221",
        "斎藤 健太",
        "サイトウ ケンタ",
        [A(Role.BEAT_OFFICER, "102/勝田駅前交番", "地域課")],
        ["102/勝田駅前交番/第1受持区"],
    ),
]
