"""公募状況 derivation from dates, unpublish date and remarks."""

from datetime import date

import pytest

from portal.content.status import derive_status

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("start", "end", "unpublish", "remarks", "code", "api"),
    [
        (date(2026, 11, 1), date(2026, 12, 10), None, "", "open", "open"),
        (None, date(2026, 11, 27), None, "", "open", "open"),  # the last day still counts
        (None, date(2026, 11, 26), None, "", "closed", "closed"),
        (date(2026, 12, 1), date(2027, 1, 31), None, "", "upcoming", "unknown"),
        (None, None, None, "常時受付", "always", "always"),
        (None, None, None, "随時受け付けています", "always", "always"),
        (None, None, None, "通年", "always", "always"),
        (None, None, None, "令和6年度の受付は終了しました", "closed", "closed"),
        (None, None, None, "", "unknown", "unknown"),
        (None, None, None, "年度ごとに公募予定", "unknown", "unknown"),
        (None, None, date(2026, 11, 1), "常時受付", "closed", "closed"),  # taken down
        (None, date(2026, 12, 31), date(2026, 12, 31), "", "open", "open"),
        (date(2026, 4, 1), None, None, "", "always", "always"),  # started, no end given
    ],
)
def test_status_is_derived_from_dates_and_remarks(start, end, unpublish, remarks, code, api):
    status = derive_status(TODAY, start, end, unpublish, remarks)
    assert status.code == code
    assert status.api_code == api
    assert status.accepting == (code in {"open", "always"})


def test_open_status_carries_its_deadline_and_label():
    status = derive_status(TODAY, None, date(2026, 12, 10), None, "")
    assert status.deadline == date(2026, 12, 10)
    assert status.label == "公募中"
