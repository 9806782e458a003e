"""Reading a source file strictly: the JSON itself (`read_json`), then each record through a
`Fields` reader that checks every value for its type and form. A bad one raises
`ImportFormatError` naming the record (its position and id) and the field, so every format fails
the same way and the user can find the line to fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import String

from portal.content.records import ImportFormatError

T = TypeVar("T")


def read_json(path: str | PathLike[str]) -> Any:
    """The parsed file; an unreadable file or invalid JSON is an `ImportFormatError` in one line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFormatError(f"ファイルが見つかりません: {path}") from None
    except IsADirectoryError:
        raise ImportFormatError(f"ファイルではなくディレクトリです: {path}") from None
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path} は UTF-8 のテキストではありません") from None
    except OSError as error:
        raise ImportFormatError(f"ファイルを読めません: {path}（{error.strerror or error}）") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFormatError(f"{path} は正しい JSON ではありません"
                                f"（{error.lineno} 行 {error.colno} 文字目: {error.msg}）") from None


def items_of(data: Any, key: str = "items") -> list[Any]:
    """The list of records: `{key: [...]}` or a bare list."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get(key), list):
        return data[key]
    raise ImportFormatError(f"レコードの一覧が見つかりません（`{key}` の配列か、配列そのものが必要です）")


class Fields:
    """One record (a JSON object) and the checks applied when its values are read."""

    def __init__(self, item: Any, index: int, id_field: str = "id") -> None:
        if not isinstance(item, dict):
            raise ImportFormatError(f"レコードがオブジェクトではありません（{type(item).__name__}）", index)
        self.item = item
        self.index = index
        self.label = ""
        self.label = f"ID {self.required_id(id_field)}: "

    def fail(self, name: str, message: str) -> ImportFormatError:
        return ImportFormatError(f"{self.label}{message}", self.index, name)

    def raw(self, name: str) -> Any:
        return self.item.get(name)

    # --- scalars -----------------------------------------------------------------------------

    def required_id(self, name: str = "id") -> str:
        value = self.item.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(name, "ID がありません" if value in (None, "") else
                            f"ID が文字列でも整数でもありません（{type(value).__name__}）")
        text = str(value).strip()
        if not text:
            raise self.fail(name, "ID が空です")
        return text

    def text(self, name: str, *, where: dict[str, Any] | None = None) -> str:
        """A string ("" when missing or null); anything else is an error.

        `where` reads from a nested object instead of the record (the error still names `name`)."""
        value = self.item.get(name) if where is None else where.get(name.rpartition(".")[2])
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.fail(name, f"文字列ではありません（{type(value).__name__}）")
        return value.strip()

    def required_text(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise self.fail(name, "必須の項目が空です")
        return value

    def integer(self, name: str, *, where: dict[str, Any] | None = None,
                minimum: int | None = 0) -> int | None:
        """An integer (a whole float or a string of digits is accepted); None when missing."""
        value = self.item.get(name) if where is None else where.get(name.rpartition(".")[2])
        if value is None or value == "":
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip().replace(",", "")):
            number = int(value.strip().replace(",", ""))
        if number is None:
            raise self.fail(name, f"整数ではありません（{value!r}）")
        if minimum is not None and number < minimum:
            raise self.fail(name, f"{minimum} 以上の数が必要です（{number}）")
        return number

    def day(self, name: str) -> date | None:
        """An ISO date "YYYY-MM-DD"; None when missing or empty."""
        value = self.text(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(name, f"日付の形式が正しくありません（{value!r}、YYYY-MM-DD が必要です）") from None

    def timestamp(self, name: str, *, where: dict[str, Any] | None = None) -> datetime | None:
        """An ISO-8601 date-time as an aware UTC datetime (a value without offset is read as UTC)."""
        text = self.text(name, where=where)
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(name, f"日時の形式が正しくありません（{text!r}、ISO 8601 が必要です）") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    # --- structures --------------------------------------------------------------------------

    def mapping(self, name: str) -> dict[str, Any]:
        value = self.item.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(name, f"オブジェクトではありません（{type(value).__name__}）")
        return value

    def objects(self, name: str) -> list[dict[str, Any]]:
        """A list of JSON objects ([] when missing or null)."""
        value = self.item.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(name, "オブジェクトの配列ではありません")
        return value

    def strings(self, name: str) -> list[str]:
        value = self.item.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(name, "文字列の配列ではありません")
        return [v.strip() for v in value if v.strip()]

    def codes(self, name: str, values: Iterable[Any], known: Callable[[str], T | None]) -> list[T]:
        """Each value looked up with `known`; an unknown one is an error naming it."""
        found: list[T] = []
        for value in values:
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise self.fail(name, f"値の型が正しくありません（{value!r}）")
            code = known(str(value).strip())
            if code is None:
                raise self.fail(name, f"不明な値です（{value!r}）")
            if code not in found:
                found.append(code)
        return found

    def category_ids(self, name: str, known: Iterable[int], key: str = "id") -> list[str]:
        """The ids of a ミラサポplus category list ([{"id": "2", "name": …}]), checked against `known`."""
        valid = {str(k) for k in known}
        return self.codes(name, (obj.get(key) for obj in self.objects(name)),
                          lambda v: v if v in valid else None)


def dedupe(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def with_sections(text: str, *sections: tuple[str, str]) -> str:
    """Markdown: `text` followed by each non-empty (heading, body) as a 「■」 section, the way
    ミラサポplus writes its own bodies."""
    parts = [text] if text else []
    parts += [f"**■{heading}**\n{body}" for heading, body in sections if body]
    return "\n\n".join(parts)


def check_lengths(records: Sequence[Any], model: type) -> None:
    """Every string fits its column: PostgreSQL would refuse it, SQLite would not, and an import
    must succeed or fail the same way on both."""
    limits = {column.name: column.type.length for column in model.__table__.columns
              if isinstance(column.type, String) and column.type.length}
    for index, record in enumerate(records):
        for name, limit in limits.items():
            value = getattr(record, name, None)
            if isinstance(value, str) and len(value) > limit:
                raise ImportFormatError(f"ID {record.source_id}: 長すぎます（{len(value)} 文字、上限 {limit} 文字）",
                                        index, name)
