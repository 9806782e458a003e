"""The figures shipped in portal/locaben/data agree with METI's figures in ../shared/data/locaben/.

The folder is outside the project (never copied in). Where it is absent the comparison cannot run:
in CI (`CI` set) that is a failure, elsewhere a visible skip with the reason.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
from pathlib import Path

import pytest

from portal.locaben import baseline, calc

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT.parent / "shared" / "data" / "locaben"
KEYS = {"①": "sales_growth", "②": "operating_margin", "③": "labor_productivity", "④": "ebitda_debt_ratio",
        "⑤": "working_capital_months", "⑥": "equity_ratio"}


@pytest.fixture(scope="module")
def source() -> Path:
    if not (SOURCE / "baseline_2023.csv").exists():
        message = f"the official ロカベン figures are not at {SOURCE}; cannot check the shipped data"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return SOURCE


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_threshold_row_is_shipped_with_the_same_figures(source):
    checked = 0
    for row in rows(source / "baseline_2023.csv"):
        if row["小分類"] == "不使用":
            continue
        minor = row["小分類"].split("_")[0]
        cut = baseline.cutoffs(minor, row["事業規模"], KEYS[row["ind"]])
        assert (cut.median, cut.iv, cut.iii, cut.ii, cut.i) == tuple(
            float(row[c]) for c in ("中央値", "iv", "iii", "ii", "i")), row
        checked += 1
    assert checked == 27 * 2 * 6


def test_every_jsic_detail_maps_to_the_same_locaben_industry(source):
    table = rows(source / "jsic13_to_locaben.csv")
    assert len(table) == len(baseline.jsic_industries())
    for row in table:
        item = baseline.jsic_industry(row["jsic_detail"].split("_")[0])
        assert item is not None and item.locaben == row["locaben_minor"].split("_")[0], row
        assert item.name == row["jsic_detail"].split("_", 1)[1]
        assert calc.resolve_industry(jsic=item.code).code == item.locaben


def test_the_build_script_reproduces_the_shipped_files(source):
    spec = importlib.util.spec_from_file_location("build_locaben_data", ROOT / "scripts" / "build_locaben_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = json.loads((baseline.DATA / "baseline.json").read_text("utf-8"))
    assert module.build_baseline(rows(source / "baseline_2023.csv")) == shipped
    assert module.build_jsic(rows(source / "jsic13_to_locaben.csv")) == json.loads(
        (baseline.DATA / "jsic.json").read_text("utf-8"))


def test_the_shipped_files_carry_the_attribution():
    expected = "出典：経済産業省『ローカルベンチマーク（ロカベンシート）』を加工して作成"
    assert baseline.attribution() == expected
    assert json.loads((baseline.DATA / "jsic.json").read_text("utf-8"))["attribution"] == expected


def test_every_industry_has_both_sizes_and_all_six_indicators():
    assert len(baseline.industries()) == 27
    for code in baseline.industries():
        for size in baseline.SIZES:
            for key in calc.INDICATOR_KEYS:
                assert baseline.cutoffs(code, size, key).median is not None
