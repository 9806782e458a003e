"""Search that survives typing on the navi: the unfinished last word, IME composition, everyday words."""

from __future__ import annotations

import pytest

from tests.factories import add_supports, support_record
from tests.helpers import text

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def corpus(session):
    return add_supports(
        session,
        support_record("ものづくり補助金", summary="設備投資を支援。"),
        support_record("ベーカリーの販路開拓支援", summary="パンの新商品づくり。"),
        support_record("東京都の創業助成", summary="都内の創業。", prefecture=["13"]),
        support_record("京都府の専門家派遣", summary="府内の事業者。", prefecture=["26"]),
    )


def count(client, q: str) -> int:
    html = text(client.get("/supports", query_string={"q": q}, headers={"HX-Request": "true"}))
    start = html.index('class="results-count"')
    return int(html[html.index("<strong>", start) + 8:html.index("</strong>", start)].replace(",", ""))


def test_monozukuri_typed_letter_by_letter(client, corpus):
    counts = [count(client, typed) for typed in ("もの", "ものづ", "ものづく", "ものづくり")]
    assert all(n >= 1 for n in counts[1:]), counts  # never 0 while the word is being typed


def test_kyoto_does_not_reach_tokyo_to(client, corpus):
    html = text(client.get("/supports?q=京都"))
    assert "京都府の専門家派遣" in html and "東京都の創業助成" not in html


def test_an_everyday_word_reaches_the_catalog_s_words(client, corpus):
    html = text(client.get("/supports?q=パン屋"))
    assert "ベーカリーの販路開拓支援" in html


def test_the_form_searches_on_compositionend_not_during_composition(client, corpus):
    html = text(client.get("/supports"))
    assert "compositionend from:closest .navi" in html
    with client.get("/static/js/app.js") as script:
        js = script.get_data(as_text=True)
    assert "event.isComposing" in js and "stopImmediatePropagation" in js
