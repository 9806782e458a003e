"""`read_json`: every way a file can fail to be JSON ends in one Japanese line naming the file."""

from __future__ import annotations

import pytest

from portal.content.importers import read_json
from portal.content.records import ImportFormatError


def test_a_utf8_file_with_or_without_bom_is_read(tmp_path):
    (tmp_path / "bom.json").write_bytes('\ufeff{"items": ["東京"]}'.encode())
    assert read_json(tmp_path / "bom.json") == {"items": ["東京"]}


@pytest.mark.parametrize("make,words", [
    (lambda p: p.write_text('{"items": [1,]}', encoding="utf-8"), "は正しい JSON ではありません（1 行 14 文字目"),
    (lambda p: p.write_bytes('{"title": "東京"}'.encode("shift_jis")), "は UTF-8 のテキストではありません"),
    (lambda p: p.mkdir(), "ファイルではなくディレクトリです"),
    (lambda p: None, "ファイルが見つかりません"),
])
def test_unreadable_files_fail_with_one_line_naming_the_file(tmp_path, make, words):
    path = tmp_path / "data.json"
    make(path)
    with pytest.raises(ImportFormatError) as caught:
        read_json(path)
    message = str(caught.value)
    assert words in message and str(path) in message and "\n" not in message
