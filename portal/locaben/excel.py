"""A report as an .xlsx workbook (openpyxl): the inputs, the results and the chart's data.

Numbers are written as numbers (千円, ratios as fractions with a % format) so that the workbook can
be checked against the official ロカベンシート or charted again in Excel. Three sheets: 入力（財務）,
結果, 非財務.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from portal.locaben import sheets
from portal.locaben.calc import INDICATORS, RATIO_KEYS
from portal.locaben.inputs import PERIOD_FIELDS, PERIOD_NAMES
from portal.models.benchmark import BenchmarkReport
from portal.ui import format_date

BOLD = Font(bold=True)


def _heading(sheet, row: list) -> None:
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _inputs(book: Workbook, report: BenchmarkReport, company: str) -> None:
    ws = book.active
    ws.title = "入力（財務）"
    inputs = report.inputs
    ws.append(["経営カルテ（ローカルベンチマーク）", company])
    ws.append(["作成日", format_date(report.created_at)])
    ws.append(["業種", f'{report.results["industry"]["code"]} {report.results["industry"]["name"]}'])
    ws.append(["事業規模", report.size])
    ws.append(["資本金（千円）", inputs.get("capital")])
    ws.append([])
    periods = inputs["periods"]
    _heading(ws, ["項目", *[p.get("label") or PERIOD_NAMES[i] for i, p in enumerate(periods)]])
    for spec in PERIOD_FIELDS:
        ws.append([f"{spec.label}（{spec.unit}）", *[p.get(spec.name) for p in periods]])
    ws.column_dimensions["A"].width = 28


def _results(book: Workbook, report: BenchmarkReport) -> None:
    ws = book.create_sheet("結果")
    periods = report.results["periods"]
    labels = [p["label"] or PERIOD_NAMES[i] for i, p in enumerate(periods)]
    _heading(ws, ["指標", "単位", *[f"{label} 値" for label in labels], *[f"{label} 評価点" for label in labels],
                  "業種基準値"])
    for key, name, view, unit, _higher in INDICATORS:
        values = [p["indicators"][key]["value"] for p in periods]
        scores = [p["indicators"][key]["score"] for p in periods]
        ws.append([f"{name}（{view}）", unit, *values, *scores, periods[0]["indicators"][key]["baseline"]])
        if key in RATIO_KEYS:
            for column in [*range(3, 3 + len(periods)), 3 + 2 * len(periods)]:
                ws.cell(ws.max_row, column).number_format = "0.0%"
    ws.append(["総合評価点", "点", *[None] * len(periods), *[p["total"] for p in periods]])
    ws.append(["ランク", "", *[None] * len(periods), *[p["rank"] for p in periods]])
    ws.append([])
    _heading(ws, ["レーダーチャート用データ（評価点 0〜5）", *labels])
    for key, name, _view, _unit, _higher in INDICATORS:
        ws.append([name, *[p["indicators"][key]["score"] for p in periods]])
    ws.append([])
    ws.append([report.results.get("attribution", "")])
    ws.column_dimensions["A"].width = 36


def _non_financial(book: Workbook, report: BenchmarkReport) -> None:
    ws = book.create_sheet("非財務")
    answers = report.sheets or {}
    labels = sheets.labels(sheets.step_count(answers))
    _heading(ws, ["項目", "内容"])
    for name in sheets.field_names(sheets.step_count(answers)):
        ws.append([labels[name], answers.get(name, "")])
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 80


def workbook(report: BenchmarkReport, company: str) -> BytesIO:
    book = Workbook()
    _inputs(book, report, company)
    _results(book, report)
    _non_financial(book, report)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out
