"""The e-Tax connector: the HOT010 財務諸表 CSV parsed exactly, BS+PL merged, bad files refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from connectors.etax.connector import (
    ACCOUNT_CODES,
    EtaxConnector,
    parse_statement,
    sandbox_files,
)
from portal.connector_registry import connector_problems
from portal.sdk import ConnectorError, FetchContext, FinancialPeriodRecord, UploadedFile

FIXTURES = Path(__file__).resolve().parents[2] / "connectors" / "etax" / "fixtures"
NUMBER = "7123456789012"

BS_EXPECTED = dict(
    total_assets=148_500_000, current_assets=91_000_000, cash_and_deposits=45_200_000,
    notes_receivable=3_500_000, accounts_receivable=28_700_000, inventories=12_400_000,
    fixed_assets=57_500_000, total_liabilities=72_800_000, current_liabilities=30_800_000,
    notes_payable=2_100_000, accounts_payable=16_800_000, short_term_borrowings=10_000_000,
    fixed_liabilities=42_000_000, long_term_borrowings=42_000_000, net_assets=75_700_000,
    capital_stock=20_000_000,
)
PL_EXPECTED = dict(
    net_sales=186_400_000, cost_of_sales=121_160_000, gross_profit=65_240_000, sga_expenses=52_640_000,
    depreciation=2_350_000, operating_income=12_600_000, ordinary_income=12_000_000, net_income=8_400_000,
)


class NoHttp:
    def get(self, url, params=None, headers=None):  # pragma: no cover - must not be called
        raise AssertionError("the e-Tax connector makes no HTTP calls")


def upload(name: str, kind: str = "") -> UploadedFile:
    return UploadedFile(name, (FIXTURES / name).read_bytes(), kind)


def csv_file(text: str, name: str = "HOT010_3.0_BS.csv", encoding: str = "shift_jis") -> UploadedFile:
    return UploadedFile(name, text.replace("\n", "\r\n").encode(encoding))


def context(mode="live", files=(), number=NUMBER, settings=None) -> FetchContext:
    return FetchContext(corporate_number=number, mode=mode, http=NoHttp(), today=date(2024, 6, 1),
                        uploaded_files=tuple(files), settings=settings or {})


def fetch(**kwargs) -> list[FinancialPeriodRecord]:
    return list(EtaxConnector().fetch(context(**kwargs)))


def test_the_connector_is_a_valid_file_upload_connector():
    assert connector_problems(EtaxConnector) == []
    assert EtaxConnector.name == "etax"
    assert EtaxConnector.title == "e-Tax（法人税申告の財務諸表）"
    assert EtaxConnector.auth.kind == "file_upload"
    assert [k.name for k in EtaxConnector.auth.file_kinds] == ["bs", "pl"]
    assert EtaxConnector.reads == ("事業財務情報（貸借対照表・損益計算書）",)


def test_fixtures_are_shift_jis_without_header():
    for name in ("HOT010_3.0_BS.csv", "HOT010_3.0_PL.csv"):
        content = (FIXTURES / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")
        assert content.decode("shift_jis").startswith("A,")


def test_parse_balance_sheet_exactly():
    statement = parse_statement(upload("HOT010_3.0_BS.csv"))
    assert statement.kind == "BS"
    assert statement.company_name == "株式会社みなと製作所"
    assert statement.period_start == date(2023, 4, 1)
    assert statement.period_end == date(2024, 3, 31)
    assert statement.amounts == BS_EXPECTED


def test_parse_income_statement_exactly_with_japanese_era_dates_and_text_rows():
    statement = parse_statement(upload("HOT010_3.0_PL.csv"))
    assert statement.kind == "PL"
    assert (statement.period_start, statement.period_end) == (date(2023, 4, 1), date(2024, 3, 31))
    assert statement.amounts == PL_EXPECTED


def test_bs_and_pl_of_one_period_merge_into_one_record():
    records = fetch(files=[upload("HOT010_3.0_BS.csv", "bs"), upload("HOT010_3.0_PL.csv", "pl")])
    assert records == [FinancialPeriodRecord(period_end=date(2024, 3, 31), period_start=date(2023, 4, 1),
                                             months=12, **BS_EXPECTED, **PL_EXPECTED)]
    assert records[0].personnel_expenses is None and records[0].employees is None


def test_each_period_end_gives_its_own_record_oldest_first():
    older = csv_file("A,PL,,,\nB,株式会社みなと製作所,,,\nC1,2022/04/01,,,\nC2,2023/03/31,,,\n損益計算書,,,,\n"
                     "売上高,150000000,1,1,10D100020\n当期純利益,-500000,1,1,10F000160\n",
                     name="HOT010_3.0_PL_2022.csv")
    records = fetch(files=[upload("HOT010_3.0_BS.csv"), upload("HOT010_3.0_PL.csv"), older])
    assert [r.period_end for r in records] == [date(2023, 3, 31), date(2024, 3, 31)]
    assert (records[0].net_sales, records[0].net_income, records[0].total_assets) == (150_000_000, -500_000, None)


def test_the_code_table_is_configurable():
    statement = parse_statement(upload("HOT010_3.0_PL.csv"), codes={"10D100020": "net_sales"})
    assert statement.amounts == {"net_sales": 186_400_000}
    records = fetch(files=[upload("HOT010_3.0_PL.csv")],
                    settings={"etax_account_codes": '{"10F000160": "ordinary_income"}'})
    assert records[0].ordinary_income == 12_000_000 + 8_400_000  # codes mapped to one field add up
    assert ACCOUNT_CODES["10F000160"] == "net_income"  # the default table is untouched
    with pytest.raises(ConnectorError, match="設定"):
        fetch(files=[upload("HOT010_3.0_PL.csv")], settings={"etax_account_codes": '{"x": "nope"}'})


@pytest.mark.parametrize(("content", "message"), [
    ("A,BS,,,\nB,株式会社テスト,,,\nC1,2023/04/01,,,\nC2,2024/03/31,,,\n".encode("utf-8"),
     "test.csv の2行目: 文字コードがShift_JISではありません"),
    (b"A,BS,,,\r\nB,\x82\xa0\x85\x20,,,\r\n", "test.csv の2行目: Shift_JISとして読めない文字"),
    ("B,株式会社テスト,,,\n".encode("shift_jis"), "test.csv の1行目: 1行目は「A,BS」"),
    ("A,SS,,,\n".encode("shift_jis"), "test.csv の1行目: 財務諸表の種類「SS」には対応していません"),
    ("A,BS,,,\nB,株式会社テスト,,,\nC1,2023/04/01,,,\n貸借対照表,,,,\n".encode("shift_jis"),
     "test.csv の4行目: 期末日の行（C2）がありません"),
    ("A,BS,,,\nB,株式会社テスト,,,\nC1,2023/04/01,,,\n".encode("shift_jis"),
     "test.csv の4行目: 期末日の行（C2）がありません"),
    ("A,BS,,,\nC2,2024/03/31,,,\n貸借対照表,,,,\n現金及び預金,1,234,1,3,\n".encode("shift_jis"),
     "test.csv の4行目: 列が6個あります"),
    ("A,BS,,,\nC2,2024/03/31,,,\n貸借対照表,,,,\n現金及び預金,12万,1,3,\n".encode("shift_jis"),
     "test.csv の4行目: 「現金及び預金」の金額「12万」が数値ではありません"),
    ("A,BS,,,\nC2,2024/03/31,,,\n貸借対照表,,,,\n資産合計,100,X,1,10A000020\n".encode("shift_jis"),
     "test.csv の4行目: 行区分「X」が読めません"),
    ("A,BS,,,\nC2,2024/13/31,,,\n".encode("shift_jis"), "test.csv の2行目: 期末日「2024/13/31」が日付として読めません"),
])
def test_bad_files_are_refused_naming_the_line(content, message):
    with pytest.raises(ConnectorError) as raised:
        fetch(files=[UploadedFile("test.csv", content)])
    assert raised.value.message.startswith(message), raised.value.message


def test_a_file_chosen_as_the_other_statement_is_refused():
    with pytest.raises(ConnectorError, match="損益計算書のCSVです（貸借対照表の欄に選ばれています）"):
        fetch(files=[upload("HOT010_3.0_PL.csv", "bs")])


def test_two_statements_of_the_same_kind_and_period_are_refused():
    with pytest.raises(ConnectorError, match="どちらか一方だけ"):
        fetch(files=[upload("HOT010_3.0_BS.csv"), upload("HOT010_3.0_BS.csv")])


def test_live_without_files_asks_for_them():
    with pytest.raises(ConnectorError, match="アップロードされていません"):
        fetch()


def test_sandbox_is_deterministic_per_corporate_number():
    first = fetch(mode="sandbox", number="1000000000001")
    assert first == fetch(mode="sandbox", number="1000000000001")
    assert sandbox_files("1000000000001") == sandbox_files("1000000000001")
    factor = 1 + 1000000000001 % 4
    expected = {name: value * factor for name, value in {**BS_EXPECTED, **PL_EXPECTED}.items()}
    assert first == [FinancialPeriodRecord(period_end=date(2024, 3, 31), period_start=date(2023, 4, 1),
                                           months=12, **expected)]
    other = fetch(mode="sandbox", number="1000000000002")
    assert other[0].net_sales != first[0].net_sales
    assert fetch(mode="sandbox", number="1000000000004")[0].net_sales == PL_EXPECTED["net_sales"]


def test_sandbox_files_are_shift_jis_like_the_real_ones():
    for file in sandbox_files(NUMBER):
        file.content.decode("shift_jis")
        with pytest.raises(UnicodeDecodeError):
            file.content.decode("utf-8")


def test_sandbox_uses_uploaded_files_when_given():
    assert fetch(mode="sandbox", files=[upload("HOT010_3.0_PL.csv")])[0].total_assets is None
