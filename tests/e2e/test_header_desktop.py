"""The wide header at 1280 px, by CSS alone: a visitor's links on one row with the logo. Logged in,
the links are more than one row holds at a readable size — a business user 11 (two rows since
経営お役立ち joined the menu), 支援者 and 職員 12–14 (three rows; before the wider
header: 4 rows for 職員) — and each role is held to what it takes now, with no link hidden or past the
edge of the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from portal.models import Role
from tests.e2e.pages import log_in

DESKTOP = {"width": 1280, "height": 900}
ROW = 48  # one row of links is 40 px tall, the header's padding 8 px above and below


def header_rows(page: Page) -> dict:
    """The header's height, how many rows its logo and links take (by their vertical centres), and the
    links' right edge."""
    return page.evaluate("""() => {
        const header = document.querySelector('header.site-header');
        const items = [...header.querySelectorAll('.site-logo, .site-header__links a, .site-header__links button')];
        const boxes = items.map(e => e.getBoundingClientRect());
        return {height: header.getBoundingClientRect().height,
                rows: new Set(boxes.map(b => Math.round((b.top + b.bottom) / 32))).size,
                hidden: items.filter((e, i) => boxes[i].width === 0).map(e => e.textContent.trim()),
                right: Math.max(...boxes.map(b => b.right))};
    }""")


@pytest.mark.parametrize(("role", "rows"), [(None, 1), (Role.BUSINESS, 2), (Role.SUPPORTER, 3), (Role.STAFF, 3)],
                         ids=["visitor", "business", "supporter", "staff"])
def test_the_wide_header_takes_as_few_rows_as_its_links_allow(new_context, make_user, role, rows):
    page = new_context(viewport=DESKTOP).new_page()
    if role is not None:
        log_in(page, make_user(role=role))
    page.goto("/")
    header = header_rows(page)
    print(f"\n[{role}] {header}")
    assert header["rows"] == rows and header["height"] <= rows * ROW + 16, header
    assert not header["hidden"] and header["right"] <= DESKTOP["width"], header
