"""The privacy check of an alert's text (seed 003 5⑴ア・5⑵・5⑸, seed 004 5⑷): what could let
a reader identify a victim or a place more finely than the rules allow.

- A place no finer than 番地 (the 街区符号 of 住居表示): 「1丁目2番」 is fine; 号, 枝番, three
  numbers in a row (1-2-3), room numbers and floors are not.
- No proper name of a building, shop, company, school or park (「駐車場」「公園」 alone are fine:
  the kind of place is wanted, 5⑵イ).
- No personal names (a name with an honorific), no exact age beside other detail about the
  person (school year, school, occupation), no phone numbers (the police's own are allowed),
  no car plates, no mail addresses.

`check(text)` returns the flags in reading order, each with where it is and what to fix. It
is pure Python with no database: the draft form runs it as the author types and every step
runs it again. A flag is fixed in the text, or overridden with a reason by an approver (never
by the author); that rule lives with the approval chain, not here. The sentences it must
and must not flag are in `alerts.privacy.corpus`, which its tests run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KANJI = "\u3400-\u4dbf\u4e00-\u9fff々〆ヵヶ"
KATAKANA = "\u30a1-\u30faー・"
HIRAGANA = "\u3041-\u3096"
DIGIT = "0-9０-９"
NUM = f"[{DIGIT}]+"
KNUM = f"[{DIGIT}一二三四五六七八九十〇]+"
DASH = "\\-－‐―ー−"


@dataclass(frozen=True)
class Flag:
    kind: str
    start: int
    end: int
    text: str
    message: str


KINDS = {
    "place_detail": "番地より細かい場所",
    "proper_name": "建物・店舗・事業所・学校・公園などの名称",
    "person_name": "個人の名前",
    "age_detail": "年齢と人物を特定できる事柄",
    "phone": "電話番号",
    "plate": "車のナンバー",
    "email": "メールアドレス",
}

MESSAGES = {
    "place_detail": "場所は「番地」（「1丁目2番」の「2番」）までにしてください。号・枝番・部屋番号・階は書けません。",
    "proper_name": "建物・店舗・事業所・学校・公園などの名称は書けません。「駐車場」「公園内」のように場所の種類で書いてください。",
    "person_name": "個人の名前は書けません。",
    "age_detail": "年齢は、学年・学校・職業など人物を特定できる事柄と一緒には書けません。「10歳代」のように幅をもたせるか、どちらかを削ってください。",
    "phone": "電話番号は書けません（警察署・交番の電話番号は除きます）。",
    "plate": "車のナンバーは書けません。",
    "email": "メールアドレスは書けません。",
}

# --- Places finer than 番地 ---------------------------------------------------------------
_ROAD = re.compile(f"(?:国道|県道|道道|府道|都道|市道|町道|村道|第){KNUM}号")
_PLACE = [
    # 住居番号: 「2番3号」「3号」 (roads such as 国道6号 are taken out below).
    re.compile(f"{KNUM}号(?:室|棟)?"),
    # Three numbers in a row: 1-2-3 (丁目-番-号).
    re.compile(f"{NUM}[{DASH}]{NUM}[{DASH}]{NUM}"),
    # 丁目 then 番-号: 「1丁目2-3」.
    re.compile(f"丁目\\s*{NUM}[{DASH}]{NUM}"),
    # 地番 with its 枝番: 「123番地4」「123番地の4」「123番地-4」.
    re.compile(f"{KNUM}番地(?:の|[{DASH}])?\\s*{KNUM}"),
    # A floor or a room.
    re.compile(f"{KNUM}(?:階|F)(?!建)"),
    re.compile(f"{KNUM}号室|部屋番号"),
]

# --- Proper names of places ---------------------------------------------------------------
# 〇〇・○○・△△ stand for a name an author masked by hand: 「〇〇公園」 still names a park.
_NAME = f"[{KANJI}{KATAKANA}A-Za-zＡ-Ｚａ-ｚ{DIGIT}〇○◯△□]"
_PLACE_SUFFIX = (
    "公園|広場|緑地|小学校|中学校|高等学校|高校|大学|幼稚園|保育園|保育所|こども園|学園|学院"
    "|マンション|アパート|ハイツ|コーポ|レジデンス|ビル|荘|団地|寮"
    "|病院|医院|クリニック|ホテル|旅館|神社|寺|教会|図書館|体育館|公民館|集会所"
    "|店|商店|ストア|スーパー|センター|モール|工場|工業|商事|銀行"
)
_PROPER = re.compile(f"({_NAME}{{1,20}}?)({_PLACE_SUFFIX})")
_COMPANY = re.compile(
    f"(?:株式会社|有限会社|合同会社)\\s*{_NAME}+|{_NAME}+\\s*(?:株式会社|有限会社|合同会社|（株）|\\(株\\))"
)
_BRANDS = re.compile(
    "セブン-?イレブン|セブンイレブン|ローソン|ファミリーマート|ファミマ|ミニストップ|デイリーヤマザキ"
    "|イオン|イトーヨーカドー|マクドナルド|スターバックス"
)
# Words before a suffix that name a kind, not a place: 「児童公園」「市立中学校」「飲食店」.
_GENERIC = {
    "児童",
    "都市",
    "近隣",
    "近く",
    "付近",
    "近所",
    "市立",
    "町立",
    "村立",
    "県立",
    "国立",
    "私立",
    "公立",
    "市営",
    "県営",
    "町営",
    "飲食",
    "販売",
    "小売",
    "量販",
    "家電",
    "書",
    "本",
    "百貨",
    "専門",
    "雑貨",
    "衣料",
    "売",
    "商",
    "酒",
    "薬",
    "コンビニ",
    "コンビニエンス",
    "ドラッグ",
    "スーパーマーケット",
    "ショッピング",
    "大型",
    "中型",
    "小型",
    "同",
    "当",
    "各",
    "数",
    "全",
    "高層",
    "集合",
    "住宅",
    "賃貸",
    "分譲",
    "総合",
    "大学",
    "地域",
    "中央",
    "駅前",
    "市内",
    "町内",
    "県内",
    "管内",
    "区内",
    "店",
    "商店",
    "その",
    "この",
    "あの",
    "付属",
    "自動車",
    "ガソリン",
    "ゲーム",
    "カラオケ",
    "パチンコ",
    "ホーム",
    "一般",
    "個人",
    "営業",
    "支",
}

# --- People -----------------------------------------------------------------------------
_HONORIFIC = re.compile(f"[{KANJI}{KATAKANA}]{{1,6}}(?:さん|様|さま|氏|君|くん|ちゃん)")
_NOT_NAMES = {
    "お客",
    "皆",
    "皆々",
    "みな",
    "奥",
    "お子",
    "お嬢",
    "坊",
    "坊っ",
    "お父",
    "お母",
    "お爺",
    "お婆",
    "娘",
    "息子",
    "被害者",
    "住民",
    "地域住民",
    "保護者",
    "利用者",
    "家族",
    "皆様",
}
_AGE = re.compile(f"{KNUM}歳(?!(?:くらい|ぐらい|位|前後|代|程度|以上|以下|未満|から|～|〜))")
_WHO = re.compile(
    "(?:小学|中学|高校)[0-9０-９一二三四五六]+年|[0-9０-９一二三四五六]+年生|小学生|中学生|高校生"
    "|大学生|専門学校生|児童|生徒|女児|男児|会社員|公務員|自営業|アルバイト|パート|主婦|無職|教員|看護師"
)

# --- Contact details and plates -----------------------------------------------------------
_PHONE = re.compile(
    f"(?<![{DIGIT}])0[{DIGIT}]{{1,4}}[{DASH}（(]?[{DIGIT}]{{1,4}}[{DASH}）)]?[{DIGIT}]{{3,4}}(?![{DIGIT}])"
)
_POLICE_PHONE = re.compile(
    "(?:警察署|交番|駐在所|警察本部|相談|代表|電話番号は|電話|TEL|ＴＥＬ)[^。\n]{0,12}$"
)
_PLATE = re.compile(
    f"[{KANJI}]{{1,4}}\\s*[{DIGIT}]{{2,3}}\\s*[{HIRAGANA}]\\s*[{DIGIT}・･]{{1,2}}[{DASH}][{DIGIT}]{{2}}"
    f"|[{HIRAGANA}]\\s*[{DIGIT}]{{1,2}}[{DASH}][{DIGIT}]{{2}}"
    f"|ナンバー(?:は|が|：|:)?\\s*[「『]?[{DIGIT}・･{DASH}]{{2,}}"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")

_SENTENCE_END = re.compile("[。！？!?\n]")


def _flag(kind: str, match: re.Match[str], start: int | None = None) -> Flag:
    begin = match.start() if start is None else start
    return Flag(kind, begin, match.end(), match.group(0)[begin - match.start() :], MESSAGES[kind])


def _places(text: str) -> list[Flag]:
    # A road (国道6号) or a phone number (029-123-4567) is not an address.
    roads = [m.span() for m in _ROAD.finditer(text)] + [m.span() for m in _PHONE.finditer(text)]
    flags = []
    for pattern in _PLACE:
        for m in pattern.finditer(text):
            if any(a <= m.start() and m.end() <= b for a, b in roads):
                continue
            flags.append(_flag("place_detail", m))
    return flags


def _proper_names(text: str) -> list[Flag]:
    flags = [_flag("proper_name", m) for m in _COMPANY.finditer(text)]
    flags += [_flag("proper_name", m) for m in _BRANDS.finditer(text)]
    for m in _PROPER.finditer(text):
        name = m.group(1)
        # The name part, shortest first: 「の公園」 has none; 「児童公園」 is a kind.
        stripped = name.lstrip("0123456789０１２３４５６７８９")
        if (
            not stripped
            or stripped in _GENERIC
            or any(stripped.endswith(word) and len(stripped) - len(word) <= 1 for word in _GENERIC)
        ):
            continue
        flags.append(_flag("proper_name", m))
    return flags


def _people(text: str) -> list[Flag]:
    flags = []
    for m in _HONORIFIC.finditer(text):
        name = re.sub("(?:さん|様|さま|氏|君|くん|ちゃん)$", "", m.group(0))
        if name in _NOT_NAMES or any(name.endswith(word) for word in _NOT_NAMES):
            continue
        flags.append(_flag("person_name", m))
    for sentence in _sentences(text):
        start, body = sentence
        if _WHO.search(body):
            for m in _AGE.finditer(body):
                flags.append(
                    Flag(
                        "age_detail",
                        start + m.start(),
                        start + m.end(),
                        m.group(0),
                        MESSAGES["age_detail"],
                    )
                )
    return flags


def _contacts(text: str) -> list[Flag]:
    flags = []
    for m in _PHONE.finditer(text):
        if _POLICE_PHONE.search(text[max(0, m.start() - 24) : m.start()]):
            continue
        flags.append(_flag("phone", m))
    flags += [_flag("plate", m) for m in _PLATE.finditer(text)]
    flags += [_flag("email", m) for m in _EMAIL.finditer(text)]
    return flags


def _sentences(text: str) -> list[tuple[int, str]]:
    parts, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        parts.append((start, text[start : m.end()]))
        start = m.end()
    if start < len(text):
        parts.append((start, text[start:]))
    return parts


def check(text: str) -> list[Flag]:
    """Every flag in the text, in reading order; overlapping flags of one kind once."""
    flags = _places(text) + _proper_names(text) + _people(text) + _contacts(text)
    flags.sort(key=lambda f: (f.start, -f.end, f.kind))
    kept: list[Flag] = []
    for flag in flags:
        if any(k.kind == flag.kind and k.start <= flag.start and flag.end <= k.end for k in kept):
            continue
        kept.append(flag)
    return kept


def kinds(text: str) -> set[str]:
    return {flag.kind for flag in check(text)}
