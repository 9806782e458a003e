"""The Whoosh schema and the mapping from the app's plain dicts to its fields.

Title and keywords exist twice: words (`title`) and word pairs (`title_pairs`), see analysis.py;
the body has words with their positions, for phrases. Keywords are joined with newlines, which cut
runs, so two keywords never make a false pair. `FIELD_WEIGHTS` rank a title match above a keyword match above a
body match; they are applied by the caller, so they can change without reindexing.
"""

from __future__ import annotations

from typing import Any

from whoosh.fields import ID, TEXT, Schema

from .analysis import ANALYSIS_VERSION, PairAnalyzer, WordAnalyzer

TEXT_FIELDS = ("title", "keywords", "body")
# Word pairs for the short fields only: in long bodies they were most of the distinct terms and
# most of the indexing time (3.6× the build time on the bench corpus, where positions cost 1.2×).
PAIRED_FIELDS = ("title", "keywords")
FIELD_WEIGHTS = {"title": 8, "keywords": 3, "body": 1}
PAIR_SUFFIX = "_pairs"


def build_schema() -> Schema:
    fields: dict[str, Any] = {"id": ID(stored=True, unique=True, sortable=True)}
    for name in TEXT_FIELDS:
        fields[name] = TEXT(analyzer=WordAnalyzer(), phrase=name not in PAIRED_FIELDS)
    for name in PAIRED_FIELDS:
        fields[name + PAIR_SUFFIX] = TEXT(analyzer=PairAnalyzer(), phrase=False)
    return Schema(**fields)


def schema_signature(schema: Schema) -> tuple:
    """What must match for an existing index to be reused: field names, types, positions, analysis version."""
    return tuple((name, type(field).__name__, field.format.supports("positions") if field.format else None,
                  getattr(getattr(field, "analyzer", None), "version", None))
                 for name, field in sorted(schema.items())) + (ANALYSIS_VERSION,)


def document_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """Whoosh `add_document` keyword arguments for one app document."""
    if not doc.get("id"):
        raise ValueError("search document without an id")
    keywords = doc.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [keywords]
    texts = {
        "title": doc.get("title") or "",
        "keywords": "\n".join(k for k in keywords if k),
        "body": doc.get("body") or "",
    }
    fields: dict[str, Any] = {"id": str(doc["id"])}
    for name, text in texts.items():
        fields[name] = text
        if name in PAIRED_FIELDS:
            fields[name + PAIR_SUFFIX] = text
    return fields
