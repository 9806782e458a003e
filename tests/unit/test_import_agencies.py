"""`portal import agencies FILE`: the published list into the directory, in one transaction; the same
file again changes nothing; a bad line exits 1 with one Japanese line naming it and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from portal.db import get_session
from portal.models import AgencyKind, SupportAgency

pytestmark = pytest.mark.usefixtures("clock")

FIXTURE = Path(__file__).resolve().parents[2] / "connectors" / "agency" / "fixtures" / "agencies.csv"
HEADER = "認定番号,機関名,種別,認定日,有効期限,都道府県,所在地,電話番号,ウェブサイト,得意分野,対応地域\n"
GOOD = ("209914000001,さくら税理士事務所,税理士,2024-04-01,2029-03-31,神奈川県,神奈川県横浜市西区1-1,045-000-0000,"
        "https://sakura.example.jp/,事業承継、資金繰り,神奈川県、東京都\n")


def run(app, *args):
    return app.test_cli_runner().invoke(args=["import", "agencies", *(str(a) for a in args)])


def snapshot(app) -> list[tuple]:
    with app.app_context():
        rows = get_session().scalars(select(SupportAgency).order_by(SupportAgency.certification_number))
        return [(r.certification_number, r.name, r.kind, r.valid_until, r.prefecture, r.address, r.specialties, r.regions,
                 r.nationwide, r.updated_at) for r in rows]


def write(tmp_path, body: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "list.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def test_the_published_list_is_imported(app):
    result = run(app, FIXTURE)
    assert result.exit_code == 0, result.output
    assert "15 件（追加 15 件、更新 0 件、変更なし 0 件）" in result.output
    rows = snapshot(app)
    assert len(rows) == 15
    with app.app_context():
        agency = get_session().scalar(select(SupportAgency).where(SupportAgency.certification_number == "109904000102"))
        assert agency.kind is AgencyKind.TAX_ACCOUNTANT and agency.prefecture == "04"
        assert agency.address == "仙台市青葉区一番町2-4-8"
        assert set(agency.regions) >= {"02", "03", "04", "05", "06", "07"}  # 東北地方 as its prefectures


def test_importing_the_same_file_again_changes_nothing(app):
    assert run(app, FIXTURE).exit_code == 0
    before = snapshot(app)
    result = run(app, FIXTURE)
    assert result.exit_code == 0, result.output
    assert "追加 0 件、更新 0 件、変更なし 15 件" in result.output
    assert snapshot(app) == before


def test_a_changed_row_updates_the_one_agency(app, tmp_path):
    assert run(app, write(tmp_path, GOOD)).exit_code == 0
    result = run(app, write(tmp_path, GOOD.replace("さくら税理士事務所", "さくら税理士法人")))
    assert result.exit_code == 0 and "更新 1 件" in result.output
    assert [row[1] for row in snapshot(app)] == ["さくら税理士法人"]


def test_shift_jis_is_read(app, tmp_path):
    assert run(app, write(tmp_path, GOOD, "cp932")).exit_code == 0
    assert [row[1] for row in snapshot(app)] == ["さくら税理士事務所"]


@pytest.mark.parametrize(("body", "reason"), [
    (GOOD + "209914000002,,税理士,,,,,,,,\n", "3行目: 機関名が空です。"),
    (GOOD + ",名前だけ事務所,税理士,,,,,,,,\n", "3行目: 認定番号が空です。"),
    (GOOD + "209914000002,日付の事務所,税理士,2024年13月,,,,,,,\n", "3行目: 認定日「2024年13月」を日付として読めません"),
    (GOOD + GOOD.replace("さくら", "もも"), "3行目: 認定番号 209914000001 が2行目と重複しています。"),
    (GOOD + "209914000003," + "長" * 201 + ",税理士,,,,,,,,\n", "3行目: 機関名が200文字を超えています。"),
])
def test_a_bad_line_exits_1_with_one_line_naming_it_and_writes_nothing(app, tmp_path, body, reason):
    result = run(app, write(tmp_path, body))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("エラー: ") and reason in lines[0], result.output
    assert snapshot(app) == []


def test_a_bad_line_leaves_earlier_imports_as_they_were(app, tmp_path):
    assert run(app, FIXTURE).exit_code == 0
    before = snapshot(app)
    changed = FIXTURE.read_text("utf-8-sig").replace("株式会社みらい経営支援センター", "名前を変えた会社") + "999,,,,,,,,,,\n"
    path = tmp_path / "changed.csv"
    path.write_text(changed, "utf-8")
    result = run(app, path)
    assert result.exit_code == 1 and "17行目" in result.output
    assert snapshot(app) == before


def test_a_file_without_the_required_columns_is_refused(app, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("名前,住所\nだれか,どこか\n", "utf-8")
    result = run(app, path)
    assert result.exit_code == 1 and "「認定番号」「機関名」の列がありません" in result.output
    assert snapshot(app) == []


def test_a_file_that_is_not_text_is_refused(app, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\x81\xff\x00\x80" * 10)
    result = run(app, path)
    assert result.exit_code == 1 and "文字コード" in result.output
