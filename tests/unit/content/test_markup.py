"""Rendering imported Markdown and HTML: readable ミラサポplus bodies, and nothing that could run
script, load a remote resource or carry inline style (the CSP forbids them) gets through."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from portal.content.markup import plain_text, render_body, render_html, render_markdown

XSS_MARKDOWN = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<p style="position:fixed">x</p>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "![x](javascript:alert(1))",
    '<iframe src="https://evil.example/"></iframe>',
]
XSS_HTML = [
    "<script>alert(1)</script>ok",
    '<img src="https://evil.example/x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<p style="background:url(https://evil.example/)">x</p>',
    '<div onclick="alert(1)" onmouseover="alert(2)">x</div>',
    "<style>body{display:none}</style>ok",
    '<svg onload="alert(1)"><circle/></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<form action="https://evil.example/"><input name="q"></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<object data="https://evil.example/x.swf"></object>',
    '<a href="https://ok.example/" target="_blank" rel="opener">x</a>',
]
SAFE_URL = ("https:", "http:", "mailto:", "tel:", "#")
ALLOWED_ATTRIBUTES = {"href", "rel", "src", "alt", "title", "colspan", "rowspan", "scope", "start"}


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the markup."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _elements(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser.found


def assert_inert(markup: str) -> None:
    """No script-capable element, no handler or style, no link or image leaving the safe schemes."""
    for tag, attrs in _elements(markup):
        assert tag not in {"script", "style", "iframe", "svg", "math", "object", "form", "input"}, markup
        assert set(attrs) <= ALLOWED_ATTRIBUTES, markup
        for name in ("href", "src"):
            url = attrs.get(name)
            if url is not None:
                assert url.startswith(SAFE_URL) or (url.startswith("/") and not url.startswith("//")), markup
        if tag == "a":
            assert attrs.get("rel") == "noopener noreferrer", markup
        if tag == "img":
            assert attrs["src"].startswith("/"), "only same-origin images may load"


def _hrefs(markup: str) -> list[str]:
    return [attrs["href"] for tag, attrs in _elements(markup) if tag == "a" and attrs.get("href")]


def test_mirasapo_heading_lines_and_single_newlines_become_strong_text_and_line_breaks():
    html = render_markdown("**■補助上限額**\n  750～5,000万円\n\n**■補助率**\n  2分の1")
    assert html == Markup("<p><strong>■補助上限額</strong><br>\n750～5,000万円</p>\n"
                          "<p><strong>■補助率</strong><br>\n2分の1</p>\n")


def test_markdown_lists_tables_and_br_inside_table_cells_render():
    html = str(render_markdown("- 一\n- 二\n\n| 区分 | 金額 |\n|---|---|\n| 通常枠<br>（小規模） | 50万円 |"))
    assert "<ul>\n<li>一</li>\n<li>二</li>\n</ul>" in html
    assert "<td>通常枠<br>（小規模）</td>" in html


@pytest.mark.parametrize("source", XSS_MARKDOWN)
def test_markdown_never_lets_script_handlers_style_or_dangerous_links_through(source):
    assert_inert(str(render_markdown(source)))


def test_raw_html_in_markdown_is_shown_as_text_not_interpreted():
    html = str(render_markdown('<b onclick="x()">太字</b> と <償還期間・据置期間>'))
    assert "<b" not in html and "&lt;b onclick=" in html
    assert "&lt;償還期間・据置期間&gt;" in html


@pytest.mark.parametrize("source", XSS_HTML)
def test_html_is_reduced_to_the_allow_list(source):
    assert_inert(str(render_html(source)))


def test_script_and_style_content_disappear_with_their_elements():
    html = str(render_html("<p>前</p><script>steal()</script><style>p{}</style><p>後</p>"))
    assert html == "<p>前</p><p>後</p>"


def test_links_keep_safe_schemes_and_get_noopener_noreferrer():
    html = str(render_markdown("[web](https://a.example/) [mail](mailto:x@example.jp) "
                               "[tel](tel:000-0000-0000) [ftp](ftp://a.example/)"))
    assert _hrefs(html) == ["https://a.example/", "mailto:x@example.jp", "tel:000-0000-0000"]
    assert_inert(html)


def test_protocol_relative_links_are_not_mistaken_for_same_site_ones():
    html = str(render_html('<a href="//evil.example/">x</a><a href="/supports/1">y</a>'))
    assert _hrefs(html) == ["/supports/1"]


def test_remote_images_become_links_named_after_their_alt_text():
    html = str(render_markdown("![申請の流れ](https://cdn.example/flow.png) ![](https://cdn.example/b.png)"))
    assert "<img" not in html
    assert '<a href="https://cdn.example/flow.png" rel="noopener noreferrer">画像：申請の流れ</a>' in html
    assert '<a href="https://cdn.example/b.png" rel="noopener noreferrer">画像（説明なし）</a>' in html


def test_images_in_html_become_links_and_lose_their_handlers():
    html = str(render_html('<img src="https://r.example/map.png" alt="地図&quot;" onerror="alert(1)">'))
    assert html == '<a href="https://r.example/map.png" rel="noopener noreferrer">画像：地図"</a>'


def test_same_origin_images_stay_images_and_remote_ones_without_a_safe_src_become_text():
    html = str(render_markdown("![図](/static/img/flow.png) ![図2](//cdn.example/x.png)"))
    assert '<img src="/static/img/flow.png" alt="図">' in html
    assert "cdn.example" not in html and "［画像：図2］" in html


def test_headings_are_moved_below_the_page_headings():
    assert str(render_markdown("# 一\n## 二\n### 三\n##### 五")) == "<h3>一</h3>\n<h4>二</h4>\n<h5>三</h5>\n<h6>五</h6>\n"
    assert str(render_html('<h1 class="big">一</h1><h2>二</h2>')) == "<h3>一</h3><h4>二</h4>"


def test_render_body_dispatches_on_the_format_and_refuses_others():
    assert render_body("**太字**", "markdown") == Markup("<p><strong>太字</strong></p>\n")
    assert render_body("**太字**", "html") == Markup("**太字**")
    with pytest.raises(ValueError):
        render_body("x", "rst")


def test_empty_text_renders_as_empty_markup():
    assert render_markdown("") == Markup("") and render_html("") == Markup("")


def test_plain_text_keeps_words_one_block_per_line():
    assert plain_text("**■補助率**\n2分の1 & 上限\n\n- [公式](https://a.example/)\n- 二") == \
        "■補助率\n2分の1 & 上限\n公式\n二"
    assert plain_text("<p>中小企業の<b>設備</b>導入</p><script>x()</script><p>A&amp;B</p>", "html") == \
        "中小企業の設備導入\nA&B"
