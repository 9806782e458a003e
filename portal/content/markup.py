"""Turning imported text into safe HTML: Markdown (ミラサポplus, the demo data) and HTML (Jグランツ).

Everything goes through one nh3 allow-list, so no script, event handler, `style` attribute or
`javascript:` link survives whatever the source sends. Markdown is rendered with raw HTML off;
only `<br>`, which ミラサポplus writes inside table cells, is kept as a line break. The CSP allows
same-origin images only, so a remote image becomes a link 「画像：alt」 instead of a broken picture.
Headings are moved down two levels so that a body never competes with the page's h1/h2.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

FORMATS = ("markdown", "html")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Removed with their content, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noscript",
                        "textarea", "select", "svg", "math", "title"}

_BR_MARK = "\ue000"  # a private-use character stands in for <br> while Markdown is rendered
_BR_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HEADING = re.compile(r"<(/?)h([1-6])>")
_IMG = re.compile(r"<img\b([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_BLOCK_END = re.compile(r"<br>|</(?:p|li|h[1-6]|tr|td|th|dt|dd|div|blockquote|pre)>|<hr>")

_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])


def _relative_url(url: str) -> str | None:
    """Same-site paths and fragments only: "//host" is a remote URL in disguise."""
    if url.startswith("#") or (url.startswith("/") and not url.startswith("//")):
        return url
    return None


def _clean(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative=_relative_url,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _image(match: re.Match[str]) -> str:
    """A same-origin <img> stays; a remote one becomes a link to the picture."""
    attrs = {name: html.unescape(value) for name, value in _ATTR.findall(match.group(1))}
    src, alt = attrs.get("src", ""), attrs.get("alt", "").strip()
    if src.startswith("/"):
        return match.group(0)
    label = f"画像：{alt}" if alt else "画像（説明なし）"
    if not src:
        return str(escape(f"［{label}］"))
    return f'<a href="{escape(src)}">{escape(label)}</a>'


def _shift_heading(match: re.Match[str]) -> str:
    return f"<{match.group(1)}h{min(int(match.group(2)) + 2, 6)}>"


def _sanitise(markup: str) -> Markup:
    # nh3's output is normalised (bare heading tags; double-quoted, escaped attributes), so
    # headings and images are found reliably; rewritten images go through nh3 once more for the
    # scheme check and rel.
    cleaned = _HEADING.sub(_shift_heading, _clean(markup))
    if "<img" in cleaned:
        cleaned = _clean(_IMG.sub(_image, cleaned))
    return Markup(cleaned)


def render_markdown(text: str) -> Markup:
    """CommonMark (tables, strikethrough; single newlines are line breaks) as sanitised HTML."""
    if not text:
        return Markup("")
    source = _BR_TAG.sub(_BR_MARK, text.replace(_BR_MARK, ""))
    rendered = _markdown.render(source).replace(_BR_MARK, "<br>")
    return _sanitise(rendered)


def render_html(markup: str) -> Markup:
    """HTML from a source (Jグランツ `detail`) reduced to the allow-list."""
    if not markup:
        return Markup("")
    return _sanitise(markup)


def render_body(text: str, fmt: str) -> Markup:
    """Dispatch on a record's `body_format`: "markdown" or "html"."""
    if fmt == "markdown":
        return render_markdown(text)
    if fmt == "html":
        return render_html(text)
    raise ValueError(f"unknown text format {fmt!r}; expected one of {FORMATS}")


def plain_text(text: str, fmt: str = "markdown") -> str:
    """The words of a Markdown or HTML text, one line per block, for summaries and search."""
    rendered = str(render_body(text, fmt))
    with_breaks = _BLOCK_END.sub(lambda m: m.group(0) + "\n", rendered)
    words = html.unescape(nh3.clean(with_breaks, tags=set(), clean_content_tags=DROPPED_WITH_CONTENT))
    lines = (" ".join(line.split()) for line in words.splitlines())
    return "\n".join(line for line in lines if line)
