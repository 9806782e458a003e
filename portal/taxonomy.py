"""Taxonomies used to classify 支援制度 (support measures), as plain Python data: 目的（お困りごと）,
事業ステージ, 支援の種類 and their sub-kinds (ids exactly as in the ミラサポplus data), 業種 (日本標準産業分類
第13回改定の大分類 A–T), the eight 地域 and the 47 都道府県 keyed by their JIS X 0401 codes, plus a few
lookup helpers that turn names found in imported data (e.g. "東京", "農業, 林業") back into codes."""

from __future__ import annotations

import unicodedata

#: 目的（お困りごと） purpose_categories.
PURPOSES: dict[int, str] = {
    1: "販路開拓",
    2: "設備投資",
    3: "IT化",
    4: "資金繰り",
    5: "人材",
    6: "知的財産",
    7: "起業・創業",
    8: "事業承継",
    9: "災害対応",
    10: "情報収集",
}

#: 事業ステージ stage_categories: id -> (name, stage group). Group "" = not tied to a stage.
STAGES: dict[int, tuple[str, str]] = {
    1: ("事業計画", "創業期"),
    2: ("起業", "創業期"),
    3: ("雇用", "創業期"),
    4: ("人材育成", "創業期"),
    5: ("知的財産管理", "創業期"),
    6: ("事業計画・経営企画", "成長期・成熟期"),
    7: ("設備投資", "成長期・成熟期"),
    8: ("研究開発", "成長期・成熟期"),
    9: ("販路開拓", "成長期・成熟期"),
    10: ("海外展開", "成長期・成熟期"),
    11: ("取引・官公需", "成長期・成熟期"),
    12: ("社会保障・福利厚生", "成長期・成熟期"),
    13: ("環境・省エネ", "成長期・成熟期"),
    14: ("事業再生", "転換期"),
    15: ("事業承継", "転換期"),
    16: ("廃業", "転換期"),
    17: ("商業・地域・団体支援", ""),
}

#: 支援の種類 service_categories (top level).
SERVICES: dict[int, str] = {
    1: "金融",
    2: "税制",
    3: "給付・補助金",
    4: "許認可",
    5: "サービス",
}

#: 支援の種類 sub-kinds: sub-id -> (parent service id, name). Sub-id 4 does not exist.
SERVICE_SUBKINDS: dict[int, tuple[int, str]] = {
    1: (1, "出資"),
    2: (1, "貸付(融資)"),
    3: (1, "減免・猶予"),
    5: (1, "信用保証"),
    6: (1, "金融その他"),
    7: (2, "還付"),
    8: (2, "控除"),
    9: (2, "優遇・猶予"),
    10: (2, "税制その他"),
    11: (3, "給付・助成"),
    12: (3, "現物支給・現物貸与"),
    13: (3, "補助金"),
    14: (3, "給付・補助金その他"),
    15: (4, "許認可・免許"),
    16: (4, "免除・猶予"),
    17: (4, "許認可その他"),
    18: (5, "専門家派遣"),
    19: (5, "セミナー・研修・イベント"),
    20: (5, "情報提供・相談"),
    21: (5, "サービスその他"),
}

#: 業種: 日本標準産業分類（第13回改定）大分類 letter -> official name.
INDUSTRIES: dict[str, str] = {
    "A": "農業，林業",
    "B": "漁業",
    "C": "鉱業，採石業，砂利採取業",
    "D": "建設業",
    "E": "製造業",
    "F": "電気・ガス・熱供給・水道業",
    "G": "情報通信業",
    "H": "運輸業，郵便業",
    "I": "卸売業，小売業",
    "J": "金融業，保険業",
    "K": "不動産業，物品賃貸業",
    "L": "学術研究，専門・技術サービス業",
    "M": "宿泊業，飲食サービス業",
    "N": "生活関連サービス業，娯楽業",
    "O": "教育，学習支援業",
    "P": "医療，福祉",
    "Q": "複合サービス事業",
    "R": "サービス業（他に分類されないもの）",
    "S": "公務（他に分類されるものを除く）",
    "T": "分類不能の産業",
}

#: 都道府県: JIS X 0401 code -> name with suffix.
PREFECTURES: dict[str, str] = {
    "01": "北海道", "02": "青森県", "03": "岩手県", "04": "宮城県", "05": "秋田県",
    "06": "山形県", "07": "福島県", "08": "茨城県", "09": "栃木県", "10": "群馬県",
    "11": "埼玉県", "12": "千葉県", "13": "東京都", "14": "神奈川県", "15": "新潟県",
    "16": "富山県", "17": "石川県", "18": "福井県", "19": "山梨県", "20": "長野県",
    "21": "岐阜県", "22": "静岡県", "23": "愛知県", "24": "三重県", "25": "滋賀県",
    "26": "京都府", "27": "大阪府", "28": "兵庫県", "29": "奈良県", "30": "和歌山県",
    "31": "鳥取県", "32": "島根県", "33": "岡山県", "34": "広島県", "35": "山口県",
    "36": "徳島県", "37": "香川県", "38": "愛媛県", "39": "高知県", "40": "福岡県",
    "41": "佐賀県", "42": "長崎県", "43": "熊本県", "44": "大分県", "45": "宮崎県",
    "46": "鹿児島県", "47": "沖縄県",
}

#: 地域: region name -> prefecture codes (ミラサポplus grouping).
REGIONS: dict[str, tuple[str, ...]] = {
    "北海道地方": ("01",),
    "東北地方": ("02", "03", "04", "05", "06", "07"),
    "関東・甲信越地方": ("08", "09", "10", "11", "12", "13", "14", "15", "19", "20"),
    "東海・北陸地方": ("16", "17", "18", "21", "22", "23", "24"),
    "近畿地方": ("25", "26", "27", "28", "29", "30"),
    "中国地方": ("31", "32", "33", "34", "35"),
    "四国地方": ("36", "37", "38", "39"),
    "九州・沖縄地方": ("40", "41", "42", "43", "44", "45", "46", "47"),
}

_REGION_BY_PREF: dict[str, str] = {
    code: region for region, codes in REGIONS.items() for code in codes
}


def _norm(text: str) -> str:
    """NFKC-normalise, unify commas to "，" and drop all whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace(",", "，").replace("、", "，").replace("､", "，")
    return "".join(text.split())


def _pref_code_str(pref_code: str | int) -> str:
    code = unicodedata.normalize("NFKC", str(pref_code)).strip()
    return code.zfill(2) if code.isdigit() else code


def region_of(pref_code: str | int) -> str:
    """Return the region name of a prefecture code ("13" or 13 -> "関東・甲信越地方").

    Raises KeyError for an unknown code.
    """
    return _REGION_BY_PREF[_pref_code_str(pref_code)]


def _strip_pref_suffix(name: str) -> str:
    if name == "北海道":
        return name
    if name[-1:] in ("都", "府", "県"):
        return name[:-1]
    return name


_PREF_BY_NAME: dict[str, str] = {}
for _code, _name in PREFECTURES.items():
    _PREF_BY_NAME[_name] = _code
    _PREF_BY_NAME[_strip_pref_suffix(_name)] = _code
_INDUSTRY_BY_NAME: dict[str, str] = {_norm(n): letter for letter, n in INDUSTRIES.items()}


def prefecture_code(name: str) -> str | None:
    """JIS code of a prefecture given its name with or without suffix ("東京都", "東京").

    A code ("13", "1", "０１") is accepted too. Returns None when nothing matches.
    """
    if not name:
        return None
    key = "".join(unicodedata.normalize("NFKC", name).split())
    if key.isdigit():
        code = key.zfill(2)
        return code if code in PREFECTURES else None
    return _PREF_BY_NAME.get(key)


def industry_letter(name: str) -> str | None:
    """JSIC 大分類 letter for an industry name ("農業，林業", "農業, 林業" or "農業,林業" -> "A").

    A bare letter ("e", "Ｅ") is accepted too. Returns None when nothing matches.
    """
    if not name:
        return None
    key = _norm(name)
    if len(key) == 1 and key.upper() in INDUSTRIES:
        return key.upper()
    return _INDUSTRY_BY_NAME.get(key)


STAGE_NAMES: dict[int, str] = {stage_id: name for stage_id, (name, _group) in STAGES.items()}
SUBKIND_NAMES: dict[int, str] = {sub_id: name for sub_id, (_parent, name) in SERVICE_SUBKINDS.items()}
