"""ロカベン: weak indicators → measures that address them, with the simulation worked out by hand.

The report is for 食料品・飼料・飲料製造業 (0301), 小規模事業者, whose cut-offs (ⅳ, ⅲ, ⅱ, ⅰ) are
営業運転資本回転期間 5.165, 2.447, 1.046, 0.279 ヶ月 (lower is better) and 自己資本比率 −38.9%, 5.4%,
33.3%, 71.9% (higher is better).
"""

from __future__ import annotations

import pytest

from portal.clock import today
from portal.recommend import locaben, profile
from portal.recommend.interests import replace_interests
from tests.business_factories import make_business
from tests.factories import add_supports, support_record

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


def payload(**scores) -> dict:
    figures = {
        "sales_growth": (0.01, 3), "operating_margin": (0.03, 4), "labor_productivity": (600.0, 3),
        "ebitda_debt_ratio": (5.0, 4), "working_capital_months": (3.0, 2), "equity_ratio": (0.05, 2),
    }
    figures.update(scores)
    return {"size": "小規模事業者", "industry": {"code": "0301", "name": "食料品・飼料・飲料製造業"},
            "periods": [{"label": "2025-03", "total": sum(s for _v, s in figures.values()), "rank": "B",
                         "indicators": {k: {"value": v, "score": s, "baseline": None} for k, (v, s) in figures.items()}}]}


def test_weak_indicators_come_weakest_first_with_their_simulation():
    """Both weak indicators score 2, so they keep the sheet's order (⑤ before ⑥). Total 3+4+3+4+2+2 = 18.

    ⑤ 3.0 months − 1 month = 2.0 < ⅲ 2.447 → 3 points; total 18 − 2 + 3 = 19.
    ⑥ (5% + 10%) / 1.1 = 13.6% ≥ ⅲ 5.4% → 3 points; total 19.
    """
    label, weak = locaben.weak_indicators(payload())
    assert label == "2025-03"
    assert [w.key for w in weak] == ["working_capital_months", "equity_ratio"]
    months, equity = weak[0].simulation, weak[1].simulation
    assert (months.after, months.score_before, months.score_after, months.total_after) == (2.0, 2, 3, 19)
    assert equity.after == pytest.approx(0.15 / 1.1) and (equity.score_after, equity.total_after) == (3, 19)
    assert equity.text == ("総資産の1割にあたる資本性ローンを借り入れ、金融機関の見方にならって自己資本とみなした場合、"
                           "自己資本比率は 5.0% → 13.6%、点数は 2点 → 3点（総合評価点 18点 → 19点）になります。")
    assert weak[1].reason.startswith("ロカベンの自己資本比率が 5.0%（2点）で、自己資本比率が低めです。資本性ローン")


def test_an_indicator_without_a_meaningful_simulation_is_still_weak():
    # EBITDA ≤ 0 with net debt scores 1 and has a negative ratio: "20% more EBITDA" says nothing.
    _label, weak = locaben.weak_indicators(payload(ebitda_debt_ratio=(-3.0, 1)))
    assert weak[0].key == "ebitda_debt_ratio" and weak[0].simulation is None


def test_no_weak_indicator_no_advice(app, session):
    strong = payload(working_capital_months=(1.0, 4), equity_ratio=(0.4, 4))
    with app.app_context():
        assert locaben.advise_from(session, strong, None, today()) is None
    assert locaben.weak_indicators({"periods": []}) == ("", [])


def test_measures_addressing_the_weak_indicators_are_chosen_and_unusable_ones_left_out(app, session):
    business = make_business(session, prefecture="13", industry="E")
    replace_interests(session, business, [], [])
    session.commit()
    add_supports(
        session,
        support_record("資本性劣後ローン", summary="自己資本とみなせる融資です。", purpose=[4], service=[1], subkind=[2]),
        support_record("セーフティネット保証", summary="売上が減った事業者の借入れを保証します。", purpose=[4], subkind=[5]),
        support_record("販路開拓の補助金", purpose=[1]),
        support_record("大阪府の運転資金融資", purpose=[4], subkind=[2], prefecture=["27"]),
    )
    with app.app_context():
        advice = locaben.advise_from(session, payload(), profile.load_profile(session, business), today())
    titles = [r.row.title for r in advice.recommendations]
    # strength: ⑤ matches + ⑥ matches / 2 — 保証: (2 tags + 2 for the word セーフティネット) + 3/2; 劣後ローン: 2 + 3/2.
    assert titles == ["セーフティネット保証", "資本性劣後ローン"]
    first = advice.recommendations[0]
    assert first.method == "locaben" and len(first.reasons) == 2
    assert "営業運転資本回転期間" in first.reasons[0] and "自己資本比率" in first.reasons[1]
    assert first.simulation.key == "working_capital_months"
