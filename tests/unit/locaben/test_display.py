"""How values are shown, the 非財務 sheet structure, and the radar chart's geometry."""

from __future__ import annotations

from portal.locaben import chart, display, sheets


def test_values_are_shown_with_their_units_like_the_official_sheet():
    assert display.value_text("sales_growth", 0.19999999999999996) == "20.0%"
    assert display.value_text("labor_productivity", -285.714) == "-286千円"
    assert display.value_text("ebitda_debt_ratio", 5.0) == "5.0倍"
    assert display.value_text("working_capital_months", 0.8) == "0.8ヶ月"
    assert display.value_text("equity_ratio", None) == "-"


def test_the_four_views_and_flow_sheets_have_the_official_items():
    assert [g.label for g in sheets.FOUR_VIEWS] == ["① 経営者", "② 事業", "③ 企業を取り巻く環境・関係者", "④ 内部管理体制"]
    assert [len(g.items) for g in sheets.FOUR_VIEWS] == [3, 4, 4, 4]
    assert [i.label for i in sheets.SYNTHESIS][:2] == ["現状認識", "将来目標"]
    names = sheets.field_names(5)
    assert "step5_point" in names and "step6_point" not in names and "end_user_reason" in names
    assert sheets.step_count({"step7_name": "検品"}) == 7 and sheets.step_count({}) == 5


def test_answers_are_trimmed_blank_ones_dropped_and_long_ones_refused():
    answers, errors = sheets.read_sheets({"nf_goal": "  売上3億円 \r\n", "nf_current": "", "nf_issues": "x" * 2001}, 5)
    assert answers == {"goal": "売上3億円", "issues": "x" * 2001} and list(errors) == ["nf_issues"]


def test_radar_points_sit_on_their_axes_at_their_scores():
    (series,) = chart.series([("2024-03", [5, 0, None, 5, 5, 5])])
    top = series.markers[0]
    assert top == (chart.CENTER, chart.CENTER - chart.RADIUS)  # ① at the top, 5 points = the outer ring
    assert series.markers[1] == (chart.CENTER, chart.CENTER)  # 0 points at the centre
    assert len(series.markers) == 5  # 「-」 (None) gets no marker, not the centre like 0 points
    assert not series.closed
    assert series.dash == "" and series.marker == "circle"
    styles = {(s.dash, s.marker) for s in chart.series([("a", [1] * 6), ("b", [1] * 6), ("c", [1] * 6)])}
    assert len(styles) == 3  # each period differs without colour


def test_a_missing_score_breaks_the_line_instead_of_dropping_to_the_centre():
    (series,) = chart.series([("a", [3, 3, None, 3, 3, 3])])
    centre = f"{chart.CENTER},{chart.CENTER}"
    assert series.segments and all(centre not in seg for seg in series.segments)
    # one open line from ④ round to ② (five points), not through ③
    assert len(series.segments) == 1 and len(series.segments[0].split(" ")) == 5
    (full,) = chart.series([("b", [3] * 6)])
    assert full.closed


def test_equal_periods_stay_visible_and_are_named_equal():
    newer, older = chart.series([("2025年3月期", [3, 2, 4, 1, 5, 3]), ("2024年3月期", [3, 2, 4, 1, 5, 3])])
    assert older.same_as == "2025年3月期" and newer.same_as == ""
    assert older.size > newer.size  # the older, drawn first, shows around the newer one's markers
