"""The optional photo of the 支援実施報告: JPEG or PNG up to 3MB, refused otherwise beside the field;
served to the business, the agency it was sent to and 職員 — 404 to another business or agency."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest

from portal.experts.services import PHOTO_MAX_BYTES
from portal.models import ExpertRequest, RequestState as S, Role
from tests.business_factories import PASSWORD, make_account
from tests.helpers import csrf_from, text
from tests.web.test_expert_requests import _send, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("clock")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REPORT = {"discussed": "資金繰り表", "advice": "月次で見直す", "hours": "1.5"}


def _scheduled(w, clock) -> ExpertRequest:
    request = _send(w)
    url = f"/agency/expert-requests/{request.id}"
    client = w["supporter_client"]
    token = csrf_from(text(client.get(url)))
    assert client.post(f"{url}/accept", data={"csrf_token": token}).status_code == 303
    visit = (clock.today() + timedelta(days=10)).isoformat()
    token = csrf_from(text(client.get(url)))
    assert client.post(f"{url}/schedule", data={"csrf_token": token, "visit_on": visit, "visit_time": "14:00",
                                                "visit_place": "本社", "expert_name": "山田"}).status_code == 303
    return request


def _report(w, request, photo: bytes | None, name="visit.png"):
    url = f"/agency/expert-requests/{request.id}"
    client = w["supporter_client"]
    token = csrf_from(text(client.get(url)))
    data = {"csrf_token": token, **REPORT}
    if photo is not None:
        data["photo"] = (BytesIO(photo), name)
    return client.post(f"{url}/report", data=data, content_type="multipart/form-data")


def test_the_photo_is_shown_to_those_who_may_see_the_request(app, session, clock, world):  # noqa: F811
    w = world
    request = _scheduled(w, clock)
    assert _report(w, request, PNG).status_code == 303
    session.expire_all()
    assert request.state is S.DONE and request.report_photo_type == "image/png"
    own = w["owner_client"].get(f"/expert-requests/{request.id}/photo")
    assert own.status_code == 200 and own.mimetype == "image/png" and own.data == PNG
    assert "private" in own.headers["Cache-Control"]
    assert f'src="/expert-requests/{request.id}/photo"' in text(w["owner_client"].get(f"/expert-requests/{request.id}"))
    assert w["supporter_client"].get(f"/agency/expert-requests/{request.id}/photo").data == PNG
    staff = app.test_client()
    from tests.web.test_accounts import login

    make_account(session, "shokuin@example.jp", role=Role.STAFF)
    assert login(staff, email="shokuin@example.jp", password=PASSWORD).status_code == 303
    assert staff.get(f"/staff/expert-requests/{request.id}/photo").data == PNG
    assert w["stranger"].get(f"/expert-requests/{request.id}/photo").status_code == 404
    assert w["rival"].get(f"/agency/expert-requests/{request.id}/photo").status_code == 404
    assert w["owner_client"].get(f"/staff/expert-requests/{request.id}/photo").status_code == 403


def test_a_report_without_a_photo_has_none(world, clock):  # noqa: F811
    w = world
    request = _scheduled(w, clock)
    assert _report(w, request, None).status_code == 303
    assert w["owner_client"].get(f"/expert-requests/{request.id}/photo").status_code == 404
    assert "支援実施の写真" not in text(w["owner_client"].get(f"/expert-requests/{request.id}"))


@pytest.mark.parametrize("photo, message", [
    (b"GIF89a" + b"\x00" * 16, "写真はJPEGかPNGの画像を選んでください。"),
    (b"\xff\xd8\xff" + b"\x00" * 2048, "写真は3MB以内にしてください。"),  # the limit lowered below
])
def test_a_wrong_photo_is_refused_beside_the_field_and_the_report_kept(world, session, clock, photo,  # noqa: F811
                                                                      message, monkeypatch):
    w = world
    assert PHOTO_MAX_BYTES == 3 * 1024 * 1024
    monkeypatch.setattr("portal.experts.services.PHOTO_MAX_BYTES", 2048)  # small bodies stay in memory
    request = _scheduled(w, clock)
    response = _report(w, request, photo)
    assert response.status_code == 422
    page = text(response)
    assert f'<p class="field__error" id="photo-error">{message}</p>' in page
    assert "資金繰り表" in page  # what was typed stays
    session.expire_all()
    assert request.state is S.SCHEDULED and request.report_photo is None
