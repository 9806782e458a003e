"""The offline evaluation: a log small enough to work out by hand, the command, bad input, and the
collaborative method against the popularity baseline on a log with clear structure."""

from __future__ import annotations

import json
import math

import pytest

from portal.recommend import evaluation, synth

# user, items in the order they were seen (one event each, a minute apart)
HAND_LOG = {
    "A": [1, 2, 3],
    "B": [1, 3],
    "F": [1, 3, 4],
    "G": [2, 3, 7],
    "C": [5, 6],
    "D": [5],
    "E": [5],
}


def write_log(path, log=HAND_LOG):
    lines = ["user_id,item_type,item_id,event,timestamp"]
    minute = 0
    for user, items in log.items():
        for item in items:
            minute += 1
            lines.append(f"{user},support,{item},view,2026-03-01T09:{minute:02d}:00+09:00")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_metrics_on_a_hand_computed_log(tmp_path):
    """k = 2, one item held out per person, pairs kept from one shared person on (min_users = 1).

    Held out (the last item each person discovered): A→s3, B→s3, F→s4, G→s7, C→s6; D and E saw one
    item only and are not evaluated, so the means are over 5 people.
    Training sets: A{s1,s2} B{s1} F{s1,s3} G{s2,s3} C{s5} D{s5} E{s5}.
    Popularity (people): s1 3, s5 3, s2 2, s3 2 → order s1, s5, s2, s3 (ties by item).
    Cosine: s1~s2 = 1/√(3·2) = 0.4082, s1~s3 = 0.4082, s2~s3 = 1/√(2·2) = 0.5.

    類似ユーザー (history newest first, the k-th newest weighs 0.9^k, own items never returned):
      A [s2,s1] → s3 (0.5 + 0.9·0.408)          → hit at rank 1: P ½, R 1, nDCG 1
      B [s1]    → s2, s3 (tie, item order)       → hit at rank 2: P ½, R 1, nDCG 1/log2 3 = 0.6309
      F [s3,s1] → s2; G [s3,s2] → s1; C [s5] → nothing      → no hits
      mean: P (½+½)/5 = 0.2, R 2/5 = 0.4, nDCG (1 + 0.6309)/5 = 0.3262
    Popularity (minus what the person saw):
      A → s5, s3 → hit at rank 2: P ½, R 1, nDCG 0.6309; B → s5, s2; F → s5, s2; G → s1, s5; C → s1, s2
      mean: P 0.1, R 0.2, nDCG 0.6309/5 = 0.1262
    Blend = 類似ユーザー filled up with popular items: A [s3, s5], B [s2, s3] → the same as 類似ユーザー.
    """
    report = evaluation.evaluate(evaluation.read_events(write_log(tmp_path / "log.csv")), k=2, holdout=1,
                                 min_users=1)
    assert report.evaluated_users == 5 and report.users == 7
    third = 1 / math.log2(3)
    expected = {
        "similar_users": (0.2, 0.4, (1 + third) / 5),
        "popularity": (0.1, 0.2, third / 5),
        "blend": (0.2, 0.4, (1 + third) / 5),
    }
    for method, (precision, recall, ndcg) in expected.items():
        got = report.methods[method]
        assert got.precision == pytest.approx(precision)
        assert got.recall == pytest.approx(recall)
        assert got.ndcg == pytest.approx(ndcg), method


def test_single_person_metrics_follow_the_definitions():
    found = [("support", 9), ("support", 1), ("support", 2)]
    metrics = evaluation.score(found, [("support", 1), ("support", 2)], k=3)
    assert metrics.precision == pytest.approx(2 / 3)
    assert metrics.recall == pytest.approx(1.0)
    ideal = 1 + 1 / math.log2(3)
    assert metrics.ndcg == pytest.approx((1 / math.log2(3) + 1 / math.log2(4)) / ideal)


def test_the_command_prints_json_with_the_methods_and_the_baseline(app, tmp_path):
    path = write_log(tmp_path / "log.csv")
    result = app.test_cli_runner().invoke(args=["recommend", "evaluate", str(path), "--k", "2", "--holdout", "1",
                                                "--min-users", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"similar_users", "popularity", "blend"}
    assert set(data["popularity"]) == {"precision", "recall", "ndcg"}
    assert data["similar_users"]["recall"] == pytest.approx(0.4)
    assert data["popularity"]["ndcg"] == pytest.approx(1 / math.log2(3) / 5, abs=1e-6)


def test_the_command_prints_a_table_and_says_which_methods_a_bare_log_cannot_measure(app, tmp_path):
    path = write_log(tmp_path / "log.csv")
    result = app.test_cli_runner().invoke(args=["recommend", "evaluate", str(path), "--k", "2", "--holdout", "1",
                                                "--min-users", "1"])
    assert result.exit_code == 0, result.output
    assert "similar_users" in result.output and "popularity" in result.output and "precision@2" in result.output
    assert "プロフィール・関心: イベントログには" in result.output and "ロカベン: " in result.output


@pytest.mark.parametrize("content, message", [
    ("user,item,when\nA,1,2026-01-01\n", "列が足りません"),
    ("user_id,item_type,item_id,event,timestamp\nA,news,1,view,2026-01-01T00:00:00\n", "2行目: item_type"),
    ("user_id,item_type,item_id,event,timestamp\nA,support,1,view,2026-01-01T00:00:00\nA,case,x,view,2026-01-02\n",
     "3行目: item_id"),
    ("user_id,item_type,item_id,event,timestamp\nA,support,1,like,2026-01-01T00:00:00\n", "2行目: event"),
])
def test_a_bad_log_exits_non_zero_with_a_one_line_reason(app, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["recommend", "evaluate", str(path)])
    assert result.exit_code == 1
    assert message in result.output and result.output.count("\n") == 1


def test_a_missing_file_exits_non_zero(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["recommend", "evaluate", str(tmp_path / "none.csv")])
    assert result.exit_code == 1 and "ファイルを読めません" in result.output


def test_collaborative_filtering_beats_popularity_on_a_log_with_clear_structure():
    events = [(e.user, e.item, e.at) for e in synth.generate(3000, mean_events=10.0, seed=11)]
    report = evaluation.evaluate(events, k=10, holdout=2)
    cf, popular = report.methods["similar_users"], report.methods["popularity"]
    assert report.evaluated_users > 2000
    assert cf.ndcg > 1.5 * popular.ndcg
    assert cf.recall > 1.5 * popular.recall
    assert report.methods["blend"].recall >= cf.recall


def test_the_synthetic_log_round_trips_through_the_csv(tmp_path):
    path = tmp_path / "synth.csv"
    rows = synth.write_csv(path, synth.generate(50, mean_events=5.0, seed=3))
    events = evaluation.read_events(path)
    assert len(events) == rows > 50
    assert {item[0] for _u, item, _at in events} == {"support", "case"}
