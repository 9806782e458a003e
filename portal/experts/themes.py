"""The テーマ of a 専門家派遣依頼, kept as data: code → label, in the order the form lists them."""

from __future__ import annotations

THEMES: dict[str, str] = {
    "management": "経営改善", "cash": "資金繰り", "succession": "事業承継", "it_dx": "IT・DX",
    "sales": "販路開拓", "people": "人材", "ip": "知的財産", "startup": "創業", "disaster": "災害復旧",
    "other": "その他",
}

#: Words of an agency's 得意分野 (its published specialties) that count as a match for each theme.
THEME_WORDS: dict[str, tuple[str, ...]] = {
    "management": ("経営改善", "経営", "事業計画"), "cash": ("資金繰り", "資金", "融資", "財務"),
    "succession": ("事業承継", "承継", "M&A"), "it_dx": ("IT", "DX", "デジタル"), "sales": ("販路", "マーケティング"),
    "people": ("人材", "労務", "人事"), "ip": ("知的財産", "特許", "商標"), "startup": ("創業", "起業"),
    "disaster": ("災害", "BCP", "復旧"), "other": (),
}


def theme_labels(codes) -> list[str]:
    return [THEMES[code] for code in codes if code in THEMES]
