"""The nesting of a JSON body is measured before Python's recursive parser sees it."""

from __future__ import annotations

from portal.request_limits import json_depth


def test_depth_counts_arrays_and_objects_but_not_brackets_inside_strings():
    assert json_depth(b'{"a": [1, {"b": []}]}') == 4
    assert json_depth(b'"[[[[[["') == 0
    assert json_depth(b'{"a": "\\"[[[[", "b": [1]}') == 2
    assert json_depth(b"[" * 100_000 + b"]" * 100_000) == 100_000
    assert json_depth(b"12") == 0
