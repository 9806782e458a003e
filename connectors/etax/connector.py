"""The connector: e-Tax 財務諸表 CSV (HOT010 BS/PL, domain.md §8) → 事業財務情報.

Each uploaded file is one statement, Shift_JIS, five columns and no header row:
`A,<BS|PL>`, `B,<法人名>`, `C1,<期首日>`, `C2,<期末日>`, the statement name, then one row per line
item: 勘定科目名, 金額 (no separators, minus as "-"), 行区分 (1 amount, 2 text, T title), 階層番号,
勘定科目コード. Amount rows are mapped by 勘定科目コード (`ACCOUNT_CODES`, a third-party
transcription of the 一般商工業 table, hence configurable) and, for the few items without a
confirmed code, by account name (`ACCOUNT_NAMES`). The statements of one 期末日 are merged into a
single `FinancialPeriodRecord`. A file we cannot read raises `ConnectorError` naming the file and
the line, so the user can fix it and upload again.

Sandbox mode answers from the sample files in `fixtures/`, with every amount multiplied by a small
factor taken from the 法人番号, so the same number always gets the same figures; a number with files
of its own (`HOT010_3.0_BS.<法人番号>.csv`, the demo business) gets those as they are — the demo's
2024年3月期 as filed, which differs from マイページ by a stock count made for the return.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from importlib import resources

from portal.sdk import (
    AuthSpec,
    Connector,
    ConnectorError,
    FetchContext,
    FileKind,
    FinancialPeriodRecord,
    UploadedFile,
)

ENCODING = "cp932"  # Shift_JIS as Windows writes it (a superset: ①, ㈱, NEC/IBM extensions)

# 勘定科目コード → FinancialPeriodRecord field (一般商工業, 2019). Codes mapped to the same field add up.
ACCOUNT_CODES: dict[str, str] = {
    # 貸借対照表
    "10A000020": "total_assets",           # 資産合計
    "10A100060": "notes_receivable",       # 受取手形
    "10A100090": "accounts_receivable",    # 売掛金
    "10A100270": "inventories",            # 棚卸資産
    "10B000020": "total_liabilities",      # 負債合計
    "10B100030": "notes_payable",          # 支払手形
    "10B100040": "accounts_payable",       # 買掛金
    "10B100790": "short_term_borrowings",  # 短期借入金
    "10B200080": "long_term_borrowings",   # 長期借入金
    "10C110010": "capital_stock",          # 資本金
    "10C000030": "net_assets",             # 純資産合計
    # 損益計算書
    "10D100020": "net_sales",              # 売上高
    "10E100030": "cost_of_sales",          # 売上原価合計
    "10F000010": "gross_profit",           # 売上総利益
    "10E201330": "sga_expenses",           # 販売費及び一般管理費合計
    "10E200220": "depreciation",           # 減価償却費（販管費）
    "10F000110": "operating_income",       # 営業利益
    "10F000130": "ordinary_income",        # 経常利益
    "10F000160": "net_income",             # 当期純利益
}

# 勘定科目名 → field, used only when no code above filled that field (the codes are unconfirmed).
ACCOUNT_NAMES: dict[str, str] = {
    "現金及び預金": "cash_and_deposits",
    "現金預金": "cash_and_deposits",
    "流動資産合計": "current_assets",
    "固定資産合計": "fixed_assets",
    "流動負債合計": "current_liabilities",
    "固定負債合計": "fixed_liabilities",
}

STATEMENTS = {"BS": "貸借対照表", "PL": "損益計算書"}
ROW_KINDS = {"1", "2", "T"}
_YEN_FIELDS = {f.name for f in fields(FinancialPeriodRecord) if f.metadata.get("yen")}
_AMOUNT = re.compile(r"-?[0-9]+")
_ERAS = {"R": date(2019, 5, 1), "令和": date(2019, 5, 1), "H": date(1989, 1, 8), "平成": date(1989, 1, 8),
         "S": date(1926, 12, 25), "昭和": date(1926, 12, 25)}
_WESTERN = re.compile(r"(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?")
_JAPANESE = re.compile(r"(令和|平成|昭和|[RHS])\s*(元|\d{1,2})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?")


class EtaxConnector(Connector):
    name = "etax"
    title = "e-Tax（法人税申告の財務諸表）"
    version = "0.1.0"
    description = ("e-Taxで法人税申告に添付した財務諸表のCSV（HOT010の貸借対照表・損益計算書）から、"
                   "決算期ごとの財務数値を取り込みます。")
    auth = AuthSpec.file_upload(
        FileKind("bs", "貸借対照表CSV（HOT010_3.0_BS.csv）", (".csv",)),
        FileKind("pl", "損益計算書CSV（HOT010_3.0_PL.csv）", (".csv",)),
    )
    reads = ("事業財務情報（貸借対照表・損益計算書）",)
    modes = ("live", "sandbox")

    def fetch(self, context: FetchContext) -> Iterator[FinancialPeriodRecord]:
        files = context.uploaded_files
        if context.mode == "sandbox" and not files:
            files = sandbox_files(context.corporate_number)
        if not files:
            raise ConnectorError("財務諸表のCSVファイルがアップロードされていません。"
                                 "e-Taxの貸借対照表・損益計算書のCSVを選んでください。")
        codes = account_codes(context.settings)
        yield from merge_statements(parse_statement(f, codes) for f in files)


def account_codes(settings: Mapping[str, str]) -> dict[str, str]:
    """`ACCOUNT_CODES`, updated by the operator's `etax_account_codes` setting (JSON: code → field)."""
    codes = dict(ACCOUNT_CODES)
    raw = settings.get("etax_account_codes")
    if raw:
        try:
            extra = json.loads(raw)
        except ValueError:
            extra = None
        if not isinstance(extra, dict) or not set(extra.values()) <= _YEN_FIELDS:
            raise ConnectorError("e-Tax連携の設定（勘定科目コード表）が正しくありません。運営者にお問い合わせください。",
                                 detail=f"bad etax_account_codes setting: {raw[:200]!r}")
        codes.update(extra)
    return codes


@dataclass(frozen=True)
class Statement:
    """One parsed file: which statement, its period, and the amounts it gives, by record field."""

    filename: str
    kind: str
    company_name: str
    period_start: date | None
    period_end: date
    amounts: dict[str, int]


def parse_statement(upload: UploadedFile, codes: Mapping[str, str] = ACCOUNT_CODES,
                    names: Mapping[str, str] = ACCOUNT_NAMES) -> Statement:
    """Parse one e-Tax 財務諸表 CSV; ConnectorError (file and line in Japanese) when unreadable."""
    filename = upload.filename or "CSVファイル"

    def fail(line: int, problem: str) -> ConnectorError:
        return ConnectorError(f"{filename} の{line}行目: {problem}", detail=f"etax csv {filename}:{line}")

    text = _decode(upload.content, filename)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header: dict[str, str] = {}
    by_code: dict[str, int] = {}
    by_name: dict[str, int] = {}
    title_seen = False
    for line, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > 5:
            raise fail(line, f"列が{len(row)}個あります（e-Taxの財務諸表CSVは5列です）。")
        cells = [cell.strip() for cell in row] + [""] * (5 - len(row))
        tag = cells[0]
        if not header:  # the first row must be the kind row
            if tag != "A":
                raise fail(line, "1行目は「A,BS」のような財務諸表の種類の行のはずですが、違います。"
                                 "e-Taxの財務諸表CSVか確認してください。")
            if cells[1] not in STATEMENTS:
                raise fail(line, f"財務諸表の種類「{cells[1]}」には対応していません"
                                 "（貸借対照表 BS・損益計算書 PL のCSVを選んでください）。")
            header["A"] = cells[1]
            continue
        if tag in ("A", "B", "C1", "C2") and not title_seen:
            if tag in header:
                raise fail(line, f"「{tag}」の行が2回あります。")
            header[tag] = cells[1]
            continue
        if "C2" not in header:
            raise fail(line, "期末日の行（C2）がありません。")
        kind = cells[2]
        if kind not in ROW_KINDS:
            if not title_seen:  # the statement name (貸借対照表 …)
                title_seen = True
                continue
            raise fail(line, f"行区分「{kind}」が読めません（1・2・T のいずれかのはずです）。")
        title_seen = True
        if kind != "1" or not cells[1]:
            continue  # a title, a text line, or an amount left blank
        amount_text = cells[1].replace("−", "-").replace("－", "-")
        if not _AMOUNT.fullmatch(amount_text):
            raise fail(line, f"「{cells[0]}」の金額「{cells[1]}」が数値ではありません。")
        amount = int(amount_text)
        code = cells[4]
        if code in codes:
            field_name = codes[code]
            by_code[field_name] = by_code.get(field_name, 0) + amount
        elif _normalise(cells[0]) in names:
            by_name.setdefault(names[_normalise(cells[0])], amount)
    if not header:
        raise ConnectorError(f"{filename} は空のファイルです。")
    if "C2" not in header:
        raise fail(len(rows) + 1, "期末日の行（C2）がありません。")
    period_end = _parse_date(header["C2"])
    if period_end is None:
        raise fail(_line_of(rows, "C2"), f"期末日「{header['C2']}」が日付として読めません。")
    period_start = None
    if header.get("C1"):
        period_start = _parse_date(header["C1"])
        if period_start is None:
            raise fail(_line_of(rows, "C1"), f"期首日「{header['C1']}」が日付として読めません。")
    kind = header["A"]
    expected = {"bs": "BS", "pl": "PL"}.get(upload.kind.lower())
    if expected and expected != kind:
        raise ConnectorError(f"{filename} は{STATEMENTS[kind]}のCSVです"
                             f"（{STATEMENTS[expected]}の欄に選ばれています）。")
    return Statement(filename, kind, header.get("B", ""), period_start, period_end,
                     {**by_name, **by_code})


def merge_statements(statements: Iterable[Statement]) -> Iterator[FinancialPeriodRecord]:
    """One record per 期末日, the BS and PL of that period merged, oldest first."""
    periods: dict[date, dict[str, object]] = {}
    sources: dict[tuple[date, str], str] = {}
    for statement in statements:
        key = (statement.period_end, statement.kind)
        if key in sources:
            raise ConnectorError(f"{sources[key]} と {statement.filename} は、どちらも"
                                 f"{statement.period_end:%Y年%m月%d日}期末の{STATEMENTS[statement.kind]}です。"
                                 "どちらか一方だけを選んでください。")
        sources[key] = statement.filename
        values = periods.setdefault(statement.period_end, {})
        if statement.period_start is not None:
            values.setdefault("period_start", statement.period_start)
        for name, amount in statement.amounts.items():
            values.setdefault(name, amount)
    for period_end in sorted(periods):
        values = periods[period_end]
        start = values.get("period_start")
        months = _months(start, period_end) if isinstance(start, date) else None
        yield FinancialPeriodRecord(period_end=period_end, months=months, **values)


def sandbox_files(corporate_number: str) -> tuple[UploadedFile, ...]:
    """The number's own BS and PL, or the sample ones with every amount multiplied by 1–4 according to
    the 法人番号."""
    own = [resources.files(__package__).joinpath(f"fixtures/HOT010_3.0_{kind}.{corporate_number}.csv")
           for kind in ("BS", "PL")] if corporate_number.isdigit() else []
    if own and all(path.is_file() for path in own):
        return tuple(UploadedFile(f"HOT010_3.0_{kind}.csv", path.read_bytes(), kind.lower())
                     for kind, path in zip(("BS", "PL"), own, strict=True))
    factor = 1 + int(corporate_number) % 4 if corporate_number.isdigit() else 1
    files = []
    for filename, kind in (("HOT010_3.0_BS.csv", "bs"), ("HOT010_3.0_PL.csv", "pl")):
        content = resources.files(__package__).joinpath(f"fixtures/{filename}").read_bytes()
        rows = list(csv.reader(io.StringIO(content.decode(ENCODING), newline="")))
        for row in rows:
            if len(row) == 5 and row[2] == "1" and _AMOUNT.fullmatch(row[1]):
                row[1] = str(int(row[1]) * factor)
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        files.append(UploadedFile(filename, out.getvalue().encode(ENCODING), kind))
    return tuple(files)


def _decode(content: bytes, filename: str) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        raise ConnectorError(f"{filename} の1行目: 文字コードがUTF-8です。e-Taxが出力したShift_JISのCSVを"
                             "そのまま選んでください。")
    if any(byte >= 0x80 for byte in content):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # valid UTF-8 with non-ASCII text: almost never a Shift_JIS file
            line = content[:next(i for i, b in enumerate(content) if b >= 0x80)].count(b"\n") + 1
            raise ConnectorError(f"{filename} の{line}行目: 文字コードがShift_JISではありません（UTF-8のようです）。"
                                 "e-Taxが出力したCSVをそのまま選んでください。")
    try:
        return content.decode(ENCODING)
    except UnicodeDecodeError as error:
        line = content[:error.start].count(b"\n") + 1
        raise ConnectorError(f"{filename} の{line}行目: Shift_JISとして読めない文字があります。"
                             "e-Taxが出力したCSVをそのまま選んでください。",
                             detail=str(error)) from None


def _normalise(name: str) -> str:
    return re.sub(r"[\s\u3000]", "", name)


def _parse_date(text: str) -> date | None:
    text = text.strip()
    try:
        if match := _WESTERN.fullmatch(text):
            return date(*(int(part) for part in match.groups()))
        if re.fullmatch(r"\d{8}", text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if match := _JAPANESE.fullmatch(text):
            era, year, month, day = match.groups()
            western = _ERAS[era].year + (1 if year == "元" else int(year)) - 1
            return date(western, int(month), int(day))
    except ValueError:
        return None
    return None


def _months(start: date, end: date) -> int | None:
    """Whole months from 期首日 to 期末日 inclusive (4/1–3/31 is 12); None for an odd period."""
    following = end + timedelta(days=1)
    if following.day != start.day or following <= start:
        return None
    return (following.year - start.year) * 12 + following.month - start.month


def _line_of(rows: list[list[str]], tag: str) -> int:
    return next((i for i, row in enumerate(rows, start=1) if row and row[0].strip() == tag), 1)
