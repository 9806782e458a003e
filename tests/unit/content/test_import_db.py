"""`portal import`, `portal seed` and `portal reindex` against SQLite and PostgreSQL: re-importing
changes nothing, a changed file updates rows in place, a bad file exits 1 with one line and
writes nothing, cases find their measures whichever came first, and search follows."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from portal import taxonomy
from portal.content import indexing
from portal.content.importers import transaction
from portal.content.indexing import search_index
from portal.db import get_session
from portal.models import Case, CaseTag, Support, SupportTag, case_supports

from .fixtures import (JGRANTS_DETAIL, JGRANTS_LIST, MIRASAPO_CASES, MIRASAPO_SUPPORTS, REAL_MIRASAPO, ROOT, load,
                       write)


def run(app, *args):
    return app.test_cli_runner().invoke(args=[str(a) for a in args])


def snapshot(app) -> dict:
    """Everything an import could touch, to compare before and after."""
    with app.app_context():
        session = get_session()
        state = {
            "supports": session.scalar(select(func.count(Support.id))),
            "cases": session.scalar(select(func.count(Case.id))),
            "support_tags": session.scalar(select(func.count()).select_from(SupportTag)),
            "case_tags": session.scalar(select(func.count()).select_from(CaseTag)),
            "links": session.scalar(select(func.count()).select_from(case_supports)),
            "rows": sorted((s.source, s.source_id, s.title, s.updated_at) for s in session.scalars(select(Support))),
        }
        session.rollback()
        return state


def support(app, source_id: str, source: str = "mirasapo") -> Support:
    with app.app_context():
        return get_session().scalar(select(Support).where(Support.source == source, Support.source_id == source_id))


def found(app, kind: str, words: str) -> set[str]:
    with app.app_context():
        return {doc_id for doc_id, _ in search_index(kind).search(words)}


# --- idempotence and updates ---------------------------------------------------------------------

def test_importing_the_same_file_twice_changes_nothing_the_second_time(app):
    first = run(app, "import", "supports", MIRASAPO_SUPPORTS)
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "supports.json の支援制度: 新規 4 件、更新 0 件、変更なし 0 件"
    before = snapshot(app)
    second = run(app, "import", "supports", MIRASAPO_SUPPORTS, "--format", "mirasapo")
    assert second.output.strip() == "supports.json の支援制度: 新規 0 件、更新 0 件、変更なし 4 件"
    assert snapshot(app) == before and before["supports"] == 4


def test_a_changed_title_updates_the_one_record(app, tmp_path):
    run(app, "import", "supports", MIRASAPO_SUPPORTS)
    data = load(MIRASAPO_SUPPORTS)
    data["items"][2]["title"] = "静岡県と北海道の専門家派遣（令和6年度）"
    result = run(app, "import", "supports", write(tmp_path / "changed.json", data))
    assert "新規 0 件、更新 1 件、変更なし 3 件" in result.output
    assert snapshot(app)["supports"] == 4
    assert support(app, "103").title == "静岡県と北海道の専門家派遣（令和6年度）"
    assert "静岡県と北海道の専門家派遣" not in {r[2] for r in snapshot(app)["rows"]}


def test_imported_records_keep_their_tags_and_are_searchable_at_once(app):
    run(app, "import", "supports", MIRASAPO_SUPPORTS)
    tokyo = support(app, "102")
    assert tokyo.tag_values("prefecture") == ["13"] and tokyo.tag_values("disaster") == ["2"]
    assert found(app, "supports", "ものづくり") == {str(support(app, "101").id)}


# --- bad files ------------------------------------------------------------------------------------

def _bad_last_record(change):
    """A file whose earlier records are valid, with new and changed ones, and whose last is bad."""
    def make(tmp_path):
        data = load(MIRASAPO_SUPPORTS)
        data["items"][0]["title"] = "書き換えてはいけないタイトル"
        data["items"].insert(1, {**data["items"][3], "id": "999", "title": "書き込んではいけない制度"})
        change(data["items"][-1])
        return write(tmp_path / "bad.json", data)
    return make


BAD_FILES = {
    "invalid JSON": lambda tmp_path: (tmp_path / "bad.json").write_text('{"items": [', encoding="utf-8")
    and tmp_path / "bad.json",
    "not a list of records": lambda tmp_path: write(tmp_path / "bad.json", {"total": 1}),
    "missing id in the last record": _bad_last_record(lambda item: item.pop("id")),
    "wrong type in the last record": _bad_last_record(lambda item: item.update(title=104)),
    "unknown prefecture in the last record": _bad_last_record(
        lambda item: item.update(prefectures=[{"id": "99", "name": "架空県"}])),
    "title too long for its column": _bad_last_record(lambda item: item.update(title="長" * 301)),
    "missing file": lambda tmp_path: tmp_path / "missing.json",
}


@pytest.mark.parametrize("make", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_exits_1_with_one_line_and_writes_nothing(app, tmp_path, make):
    run(app, "import", "supports", MIRASAPO_SUPPORTS)
    before = snapshot(app)
    result = run(app, "import", "supports", make(tmp_path))
    assert result.exit_code == 1
    assert result.output.startswith("エラー: ") and result.output.count("\n") == 1, result.output
    assert snapshot(app) == before


def test_the_error_names_the_record_and_field(app, tmp_path):
    result = run(app, "import", "supports", BAD_FILES["wrong type in the last record"](tmp_path))
    assert result.output == "エラー: 5件目・項目 title: ID 104: 文字列ではありません（int）\n"


def test_a_failure_while_writing_rolls_everything_back(app, monkeypatch):
    run(app, "import", "supports", MIRASAPO_SUPPORTS)
    before = snapshot(app)
    real = transaction.import_supports

    def write_then_fail(session, records):
        real(session, records)
        session.flush()
        raise RuntimeError("disk full")

    monkeypatch.setattr(transaction, "import_supports", write_then_fail)
    result = run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    assert result.exit_code == 1
    assert result.output == "エラー: 取り込めませんでした（disk full）。何も書き込んでいません\n"
    assert snapshot(app) == before


def test_an_unknown_format_is_refused_in_one_line(app):
    result = run(app, "import", "cases", MIRASAPO_CASES, "--format", "jgrants")
    assert result.exit_code == 1
    assert result.output == "エラー: 事例の形式 'jgrants' には対応していません（mirasapo, demo のいずれか）\n"


# --- Jグランツ ------------------------------------------------------------------------------------

def test_jgrants_list_then_detail_updates_one_record_and_a_later_list_keeps_the_detail(app):
    listed = run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    assert "新規 3 件" in listed.output
    detailed = run(app, "import", "supports", JGRANTS_DETAIL, "--format", "jgrants")
    assert "新規 0 件、更新 1 件、変更なし 0 件" in detailed.output
    relisted = run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    assert "新規 0 件、更新 0 件、変更なし 3 件" in relisted.output
    record = support(app, "a0W5h00000TEST01AAA", "jgrants")
    assert snapshot(app)["supports"] == 3
    assert record.summary == "生産性を高める設備の導入を支援します" and record.subsidy_rate == "1/2以内"
    assert record.tag_values("industry") == ["E", "I"] and record.tag_values("purpose") == ["1", "2", "3"]
    assert found(app, "supports", "設備導入") == {str(record.id)}


# --- cases ----------------------------------------------------------------------------------------

def _linked(app) -> dict[str, list[str]]:
    with app.app_context():
        return {c.source_id: [s.source_id for s in c.supports] for c in get_session().scalars(select(Case))}


def test_cases_link_to_measures_imported_before(app):
    run(app, "import", "supports", MIRASAPO_SUPPORTS)
    result = run(app, "import", "cases", MIRASAPO_CASES)
    assert result.output.strip() == "cases.json の事例: 新規 2 件、更新 0 件、変更なし 0 件"
    assert _linked(app) == {"501": ["101", "102"], "502": []}
    assert "変更なし 2 件" in run(app, "import", "cases", MIRASAPO_CASES).output


def test_cases_link_to_measures_imported_after_and_their_search_follows(app):
    run(app, "import", "cases", MIRASAPO_CASES)
    assert _linked(app) == {"501": [], "502": []}
    assert found(app, "cases", "試験融資") == set()
    run(app, "import", "supports", MIRASAPO_SUPPORTS)
    assert _linked(app) == {"501": ["101", "102"], "502": []}
    # A case's search document names the measures it used, so it is reindexed when they arrive.
    with app.app_context():
        case_id = get_session().scalar(select(Case.id).where(Case.source_id == "501"))
    assert found(app, "cases", "試験融資") == {str(case_id)}


# --- seed and reindex -----------------------------------------------------------------------------

def test_seed_loads_the_demo_once_and_a_second_seed_changes_nothing(app):
    first = run(app, "seed")
    assert first.exit_code == 0, first.output
    assert "デモの支援制度: 新規 198 件" in first.output
    state = snapshot(app)
    assert state["supports"] >= 150 and state["cases"] >= 80 and state["links"] > 0
    second = run(app, "seed")
    assert "デモの支援制度: 新規 0 件、更新 0 件、変更なし 198 件" in second.output
    assert "デモの事例: 新規 0 件、更新 0 件、変更なし 95 件" in second.output
    assert snapshot(app) == state
    assert found(app, "supports", "ものづくり")
    # The demo files through `portal import … --format demo` are the same records.
    demo_dir = ROOT / "portal" / "demo"
    again = run(app, "import", "supports", demo_dir / "supports.json", "--format", "demo")
    assert "新規 0 件、更新 0 件、変更なし 198 件" in again.output, again.output
    again = run(app, "import", "cases", demo_dir / "cases.json", "--format", "demo")
    assert "新規 0 件、更新 0 件、変更なし 95 件" in again.output, again.output


def test_reindex_rebuilds_the_index_from_the_database(app):
    run(app, "import", "supports", MIRASAPO_SUPPORTS)
    run(app, "import", "cases", MIRASAPO_CASES)
    with app.app_context():
        search_index("supports").rebuild([{"id": "0", "title": "古いインデックス", "keywords": [], "body": ""}])
    assert found(app, "supports", "ものづくり") == set()
    result = run(app, "reindex")
    assert result.output.strip() == "検索インデックスを作り直しました: 支援制度 4 件、事例 2 件、記事 0 件"
    assert found(app, "supports", "ものづくり") == {str(support(app, "101").id)}


# --- the real ミラサポplus dump -------------------------------------------------------------------

def test_the_real_mirasapo_dump_imports_whole_and_re_imports_unchanged(app, monkeypatch):
    if not REAL_MIRASAPO.exists():
        pytest.skip(f"{REAL_MIRASAPO} is not here (it may not be committed into the project)")
    indexed: list[str] = []

    def documents_for(session, kind, doc_ids):
        indexed.extend(doc_ids)
        return [], []

    # Indexing 1,112 long texts is the search adapter's cost and is tested above on small files.
    monkeypatch.setattr(indexing, "documents_for", documents_for)
    started = time.monotonic()
    first = run(app, "import", "supports", REAL_MIRASAPO)
    elapsed = time.monotonic() - started
    assert first.output.strip() == "supports-2023.json の支援制度: 新規 1112 件、更新 0 件、変更なし 0 件", first.output
    assert len(indexed) == 1112 and elapsed < 120
    second = run(app, "import", "supports", REAL_MIRASAPO)
    assert "新規 0 件、更新 0 件、変更なし 1112 件" in second.output and len(indexed) == 1112

    monodukuri = support(app, "26")
    assert monodukuri.title == "ものづくり・商業・サービス生産性向上促進補助金"
    assert monodukuri.authorities == [{"name": "中小企業庁", "kind": "gov"}]
    assert monodukuri.tag_values("purpose") == ["2"] and monodukuri.tag_values("stage") == ["7"]
    assert monodukuri.tag_values("service") == ["3"] and monodukuri.special_measure == "ものづくり補助金"
    assert monodukuri.reference.startswith("[ものづくり補助事業公式ホームページ")
    valid = {"purpose": taxonomy.PURPOSES, "stage": taxonomy.STAGES, "service": taxonomy.SERVICES,
             "subkind": taxonomy.SERVICE_SUBKINDS, "industry": taxonomy.INDUSTRIES,
             "prefecture": taxonomy.PREFECTURES}
    with app.app_context():
        tags = get_session().execute(select(SupportTag.kind, SupportTag.value).distinct()).all()
        tokyo = get_session().scalars(select(Support).join(SupportTag).where(
            SupportTag.kind == "prefecture", SupportTag.value == "13")).all()
    for kind, value in tags:
        if kind == "disaster":
            assert value.isdigit()
        else:
            assert value in {str(k) for k in valid[kind]}, (kind, value)
    assert len(tokyo) == 14 and all(any(a["name"] for a in s.authorities) for s in tokyo)
