"""Everyday words people type (パン屋, 居酒屋, 町工場, 美容室 …) and what the catalog calls them.

The table is data (`data/synonyms.json`): each entry lists the words measures and cases use and the
JSIC 細分類 codes of the industry. A query word found in the table is searched as any of its words
(OR), so 「パン屋」 reaches measures and cases that say パン or ベーカリー; the 経営カルテ's 業種
search offers the listed 細分類 first. Words not in the table are searched as typed.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).with_name("data") / "synonyms.json"


def _key(word: str) -> str:
    return unicodedata.normalize("NFKC", word).strip().lower()


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, list[str]]]:
    data = json.loads(PATH.read_text(encoding="utf-8"))["words"]
    return {_key(word): {"words": list(entry.get("words", [])), "jsic": list(entry.get("jsic", []))}
            for word, entry in data.items()}


def words_for(word: str) -> list[str] | None:
    """The words to search instead of `word` (itself included), or None when it is not in the table."""
    entry = table().get(_key(word))
    if entry is None:
        return None
    return list(dict.fromkeys([word, *entry["words"]]))


def jsic_for(query: str) -> list[str]:
    """JSIC 細分類 codes the words of `query` stand for, in the table's order."""
    codes: list[str] = []
    for word in unicodedata.normalize("NFKC", query).split():
        entry = table().get(_key(word))
        if entry:
            codes += [c for c in entry["jsic"] if c not in codes]
    return codes
