"""Build portal/locaben/data/*.json from METI's ロカベン figures in ../shared/data/locaben/.

The portal ships only what the calculation needs, in its own shape: per (ロカベン小分類, 事業規模)
the 中央値 and the four cut-offs of each indicator, the names of the ロカベン業種, and the JSIC
Rev.13 細分類 → ロカベン小分類 mapping with the JSIC names people search. The placeholder rows
(`不使用`) and the 標準偏差 column are left out. Run it again when METI publishes a new edition:

    python scripts/build_locaben_data.py [--source ../shared/data/locaben]
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "locaben"
TARGET = ROOT / "portal" / "locaben" / "data"
ATTRIBUTION = "出典：経済産業省『ローカルベンチマーク（ロカベンシート）』を加工して作成"
EDITION = "2023"
#: The CSV's indicator marks → the portal's keys (the CSV is already keyed by indicator, see locaben.md).
INDICATORS = {"①": "sales_growth", "②": "operating_margin", "③": "labor_productivity", "④": "ebitda_debt_ratio",
              "⑤": "working_capital_months", "⑥": "equity_ratio"}
#: The source spells 12 as 「保険衛生」; the portal uses the correct 「保健衛生」 (locaben.md).
NAME_FIXES = {"保険衛生、廃棄物処理業": "保健衛生、廃棄物処理業"}


def split_code(text: str) -> tuple[str, str]:
    code, _, name = text.partition("_")
    return code, NAME_FIXES.get(name, name)


def build_baseline(rows: list[dict[str, str]]) -> dict:
    majors: dict[str, str] = {}
    minors: dict[str, dict[str, str]] = {}
    thresholds: dict[str, dict[str, dict[str, dict]]] = {}
    for row in rows:
        if row["小分類"] == "不使用":
            continue
        major, major_name = split_code(row["大分類"])
        minor, minor_name = split_code(row["小分類"])
        majors[major] = major_name
        minors[minor] = {"name": minor_name, "major": major}
        cuts = [float(row[column]) for column in ("iv", "iii", "ii", "i")]
        thresholds.setdefault(minor, {}).setdefault(row["事業規模"], {})[INDICATORS[row["ind"]]] = {
            "median": float(row["中央値"]), "cuts": cuts}
    return {"attribution": ATTRIBUTION, "edition": EDITION,
            "note": "cuts = [iv, iii, ii, i]; median = 業種基準値（中央値）",
            "majors": dict(sorted(majors.items())), "minors": dict(sorted(minors.items())),
            "thresholds": dict(sorted(thresholds.items()))}


def build_jsic(rows: list[dict[str, str]]) -> dict:
    majors: dict[str, str] = {}
    middles: dict[str, dict[str, str]] = {}
    details: dict[str, dict[str, str]] = {}
    for row in rows:
        letter, major_name = split_code(row["jsic_major"])
        middle, middle_name = split_code(row["jsic_middle"])
        detail, detail_name = split_code(row["jsic_detail"])
        majors[letter] = major_name
        middles[middle] = {"name": middle_name, "major": letter}
        details[detail] = {"name": detail_name, "middle": middle, "locaben": split_code(row["locaben_minor"])[0]}
    return {"attribution": ATTRIBUTION, "edition": EDITION, "classification": "日本標準産業分類（第13回改定）",
            "majors": majors, "middles": middles, "details": details}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    TARGET.mkdir(parents=True, exist_ok=True)
    write_json(TARGET / "baseline.json", build_baseline(read_csv(args.source / "baseline_2023.csv")))
    write_json(TARGET / "jsic.json", build_jsic(read_csv(args.source / "jsic13_to_locaben.csv")))
    print(f"wrote {TARGET / 'baseline.json'} and {TARGET / 'jsic.json'}")


if __name__ == "__main__":
    main()
