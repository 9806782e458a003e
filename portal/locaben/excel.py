"""A report as an .xlsx workbook (openpyxl): the inputs, the results and the chart's data.

Numbers are written as numbers (千円, ratios as fractions with a % format) so that the workbook can
be checked against the official ロカベンシート or charted again in Excel. Three sheets: 入力（財務）,
結果, 非財務.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import RadarChart, Reference
from openpyxl.styles import Font

from portal.locaben import sheets
from portal.locaben.calc import INDICATORS, RATIO_KEYS
from portal.locaben.inputs import PERIOD_FIELDS, PERIOD_NAMES
from portal.models.benchmark import BenchmarkReport
from portal.ui import format_date

BOLD = Font(bold=True)
#: Excel number formats by the unit shown: 969.5652173913044 reads 「970千円」, 0.0412 「4.1%」.
FORMATS = {"%": "0.0%", "千円": '#,##0"千円"', "倍": '0.0"倍"', "ヶ月": '0.0"ヶ月"', "人": '#,##0"人"', "点": "0"}
INPUT_FORMATS = {"千円": "#,##0", "人": "#,##0"}


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
    ws.cell(ws.max_row, 2).number_format = "#,##0"
    ws.append([])
    periods = inputs["periods"]
    _heading(ws, ["項目", *[p.get("label") or PERIOD_NAMES[i] for i, p in enumerate(periods)]])
    for spec in PERIOD_FIELDS:
        ws.append([f"{spec.label}（{spec.unit}）", *[p.get(spec.name) for p in periods]])
        for column in range(2, 2 + len(periods)):
            ws.cell(ws.max_row, column).number_format = INPUT_FORMATS.get(spec.unit, "#,##0.0")
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
        for column in [*range(3, 3 + len(periods)), 3 + 2 * len(periods)]:
            ws.cell(ws.max_row, column).number_format = FORMATS.get(unit, "0.0") if key not in RATIO_KEYS else "0.0%"
    ws.append(["総合評価点", "点", *[None] * len(periods), *[p["total"] for p in periods]])
    ws.append(["ランク", "", *[None] * len(periods), *[p["rank"] for p in periods]])
    ws.append([])
    _heading(ws, ["レーダーチャート用データ（評価点 0〜5）", *labels])
    header_row = ws.max_row
    for key, name, _view, _unit, _higher in INDICATORS:
        ws.append([name, *[p["indicators"][key]["score"] for p in periods]])
    _radar(ws, header_row, len(periods))
    ws.append([])
    ws.append([report.results.get("attribution", "")])
    ws.column_dimensions["A"].width = 36


def _radar(ws, header_row: int, periods: int) -> None:
    """Excel's own radar chart over the chart data (評価点 0〜5, one series per period); a 「-」 is an
    empty cell, which Excel leaves off the chart instead of drawing it at 0."""
    chart = RadarChart()
    chart.type = "marker"
    chart.title = "評価点のレーダーチャート"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 5
    chart.y_axis.majorUnit = 1
    data = Reference(ws, min_col=2, max_col=1 + periods, min_row=header_row, max_row=header_row + len(INDICATORS))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=header_row + len(INDICATORS)))
    chart.height, chart.width = 9, 14
    ws.add_chart(chart, f"{chr(ord('B') + periods + 1)}{header_row}")


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
