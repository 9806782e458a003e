"""公募状況: derived from the call period, the unpublish date and the wording of the remarks.

Few real records carry dates, so the remarks matter: 「常時受付」「随時」「通年」 mean the measure
can be used at any time. A call whose start lies ahead is 「受付開始前」, which the public API reports
as `unknown` (its contract has four values) while the page shows the start date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ALWAYS_WORDS = re.compile(r"常時|随時|通年|いつでも|年中")
CLOSED_WORDS = re.compile(r"受付(は)?終了|募集(は)?終了しました|締め?切りました|公募(は)?終了")

LABELS = {
    "open": "公募中",
    "always": "常時受付",
    "closed": "受付終了",
    "unknown": "時期未定",
    "upcoming": "受付開始前",
}


@dataclass(frozen=True)
class Status:
    code: str  # open | always | closed | unknown | upcoming
    deadline: date | None = None
    starts: date | None = None

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def api_code(self) -> str:
        return "unknown" if self.code == "upcoming" else self.code

    @property
    def accepting(self) -> bool:
        """Whether an application can be made today (the navi's 公募中 filter)."""
        return self.code in {"open", "always"}


def derive_status(today: date, start: date | None, end: date | None, unpublish: date | None,
                  remarks: str) -> Status:
    if unpublish is not None and unpublish < today:
        return Status("closed", deadline=end)
    if end is not None and end < today:
        return Status("closed", deadline=end)
    if start is not None and start > today:
        return Status("upcoming", deadline=end, starts=start)
    if end is not None:
        return Status("open", deadline=end, starts=start)
    remarks = remarks or ""
    if CLOSED_WORDS.search(remarks):
        return Status("closed")
    if ALWAYS_WORDS.search(remarks):
        return Status("always", starts=start)
    if start is not None:
        # Started, with no end given: treat as accepting until said otherwise.
        return Status("always", starts=start)
    return Status("unknown")


def status_of(support, today: date) -> Status:
    return derive_status(today, support.reception_start, support.reception_end,
                         support.unpublish_date, support.reception_remarks)
