"""会社のメンバー: the 管理者 invites by e-mail (a real SMTP exchange), the invited account accepts
with the signed, expiring, one-use link, the 管理者 removes members (effective at their next request)
and passes 管理者 on; every step is logged; one business's 管理者 cannot reach another's members,
and a link raced by parallel requests joins exactly once. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from portal import store
from portal.members.invitations import INVITATION_DAYS
from portal.models import AuditEvent, BusinessInvitation, BusinessMember, MemberRole
from tests.business_factories import PASSWORD, VALID_NUMBERS, make_account, signed_in_owner
from tests.helpers import csrf_from, submit, text
from tests.web.test_accounts import login

pytestmark = pytest.mark.usefixtures("clock")

COLLEAGUE = "kaori@example.jp"


@pytest.fixture
def owner(client, session):
    user, business = signed_in_owner(client, session, email="owner@example.jp", name="株式会社みらい工房")
    return user, business


def invite(client, email: str = COLLEAGUE):
    return submit(client, "/mypage/members/", {"email": email}, action="/mypage/members/invite")


def invitation_link(mailbox, email: str = COLLEAGUE) -> str:
    return mailbox.last_link(email, "/members/join/")


def colleague_client(app, session, email: str = COLLEAGUE):
    user = make_account(session, email)
    web = app.test_client()
    assert login(web, email=email, password=PASSWORD).status_code == 303
    return user, web


def members_of(session, business) -> set[str]:
    session.expire_all()
    return {user.email for _member, user in store.members(session, business)}


def events(session, name: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)))


# --- invite and accept ------------------------------------------------------------------------------

def test_the_owner_invites_by_mail_and_the_invited_account_joins(app, client, session, owner, mailbox):
    _user, business = owner
    response = invite(client)
    assert response.status_code == 303
    page = text(client.get("/mypage/members/"))
    assert f"{COLLEAGUE} に招待のメールを送りました（{INVITATION_DAYS}日間有効）" in page
    assert COLLEAGUE in page and "招待を取り消す" in page
    [mail] = mailbox.to(COLLEAGUE)
    assert "株式会社みらい工房" in mail["Subject"]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "一度だけ使えます" in body and f"{INVITATION_DAYS}日間" in body

    link = invitation_link(mailbox)
    _colleague, web = colleague_client(app, session)
    landing = text(web.get(link))
    assert "株式会社みらい工房" in landing and "参加する" in landing
    joined = submit(web, link, {})
    assert joined.status_code == 303 and joined.headers["Location"] == "/mypage/"
    assert "株式会社みらい工房" in text(web.get("/mypage/"))
    assert members_of(session, business) == {"owner@example.jp", COLLEAGUE}
    assert len(events(session, "member_invited")) == 1 and len(events(session, "member_joined")) == 1
    log = text(client.get("/mypage/members/"))
    assert "メンバーの招待" in log and "招待による参加" in log


def test_an_anonymous_visitor_is_asked_to_log_in_with_the_invited_address(app, client, session, owner, mailbox):
    invite(client)
    link = invitation_link(mailbox)
    page = app.test_client().get(link)
    assert page.status_code == 200
    assert f"{COLLEAGUE} のアカウントでログイン" in text(page) and "/account/login?next=" in text(page)


def test_only_the_invited_address_can_accept(app, client, session, owner, mailbox):
    _user, business = owner
    invite(client)
    link = invitation_link(mailbox)
    _other, web = colleague_client(app, session, "someone-else@example.jp")
    page = web.get(link)
    assert page.status_code == 409 and f"この招待は {COLLEAGUE} あてです" in text(page)
    refused = web.post(link, data={"csrf_token": csrf_from(text(page))})
    assert refused.status_code == 409
    assert members_of(session, business) == {"owner@example.jp"}


def test_an_expired_link_is_refused_with_what_to_do(app, client, session, owner, mailbox, clock):
    _user, business = owner
    invite(client)
    link = invitation_link(mailbox)
    _colleague, web = colleague_client(app, session)
    clock.advance(days=INVITATION_DAYS, seconds=1)
    page = web.get(link)
    assert page.status_code == 410
    assert f"有効期限（{INVITATION_DAYS}日間）が過ぎています" in text(page) and "もう一度招待" in text(page)
    assert web.post(link, data={"csrf_token": csrf_from(text(web.get("/mypage/")))}).status_code == 410
    assert members_of(session, business) == {"owner@example.jp"}


def test_a_used_link_cannot_be_used_again_even_after_removal(app, client, session, owner, mailbox):
    _user, business = owner
    invite(client)
    link = invitation_link(mailbox)
    _colleague, web = colleague_client(app, session)
    assert submit(web, link, {}).status_code == 303
    [member] = [m for m, u in store.members(session, business) if u.email == COLLEAGUE]
    assert submit(client, "/mypage/members/", {}, action=f"/mypage/members/{member.id}/remove").status_code == 303
    again = web.get(link)
    assert again.status_code == 410 and "既に使われています" in text(again)
    assert members_of(session, business) == {"owner@example.jp"}


def test_a_tampered_link_is_refused(app, client, session, owner, mailbox):
    invite(client)
    link = invitation_link(mailbox)
    _colleague, web = colleague_client(app, session)
    page = web.get(link[:-3] + "abc")
    assert page.status_code == 410 and "リンクが正しくありません" in text(page)


def test_inviting_again_replaces_the_open_invitation(client, session, owner, mailbox):
    invite(client)
    first = invitation_link(mailbox)
    invite(client)
    assert "前に送った招待のリンクは使えなくなりました" in text(client.get("/mypage/members/"))
    assert "取り消しました" in text(client.get(first))
    assert session.scalar(select(func.count(BusinessInvitation.id))) == 2


@pytest.mark.parametrize("typed, message", [("", "メールアドレスを入力してください"), ("kaori@", "形式が正しくありません"),
                                            ("owner@example.jp", "既にこの会社のメンバーです")])
def test_a_bad_address_is_refused_beside_the_field_and_kept(client, session, owner, mailbox, typed, message):
    response = invite(client, typed)
    assert response.status_code == 422
    assert message in text(response)
    assert f'value="{typed}"' in text(response)  # what was typed is kept
    assert session.scalar(select(func.count(BusinessInvitation.id))) == 0 and mailbox.messages == []


def test_the_owner_withdraws_an_invitation(app, client, session, owner, mailbox):
    invite(client)
    link = invitation_link(mailbox)
    [invitation] = session.scalars(select(BusinessInvitation))
    assert submit(client, "/mypage/members/", {},
                  action=f"/mypage/members/invitations/{invitation.id}/revoke").status_code == 303
    _colleague, web = colleague_client(app, session)
    assert "取り消しました" in text(web.get(link))
    assert len(events(session, "member_invitation_revoked")) == 1


# --- removing and passing on ----------------------------------------------------------------------------

def joined_colleague(app, client, session, mailbox):
    invite(client)
    user, web = colleague_client(app, session)
    assert submit(web, invitation_link(mailbox), {}).status_code == 303
    member = session.scalar(select(BusinessMember).where(BusinessMember.user_id == user.id))
    return user, web, member


def test_a_removed_member_loses_access_at_the_next_request(app, client, session, owner, mailbox):
    _user, business = owner
    _colleague, web, member = joined_colleague(app, client, session, mailbox)
    assert "株式会社みらい工房" in text(web.get("/mypage/"))
    period = store.add_period(session, business, {"period_end": "2025-03-31", "months": 12}, store.MANUAL)
    session.commit()
    assert web.get(f"/mypage/periods/{period.id}").status_code == 200
    assert submit(client, "/mypage/members/", {}, action=f"/mypage/members/{member.id}/remove").status_code == 303
    assert "株式会社みらい工房" not in text(web.get("/mypage/"))  # the same session, the very next request
    assert web.get(f"/mypage/periods/{period.id}").status_code == 404
    assert web.get("/mypage/members/").status_code == 404
    assert len(events(session, "member_removed")) == 1


def test_a_member_sees_the_list_but_cannot_invite_remove_or_pass_on(app, client, session, owner, mailbox):
    user, _business = owner
    _colleague, web, _member = joined_colleague(app, client, session, mailbox)
    page = text(web.get("/mypage/members/"))
    assert "owner@example.jp" in page and "招待のメールを送る" not in page and "管理者（" in page
    token = csrf_from(page)
    own = session.scalar(select(BusinessMember).where(BusinessMember.user_id == user.id))
    for url, data in (("/mypage/members/invite", {"email": "x@example.jp"}), (f"/mypage/members/{own.id}/remove", {}),
                      (f"/mypage/members/{own.id}/owner", {})):
        assert web.post(url, data={"csrf_token": token, **data}).status_code == 403, url


def test_passing_on_the_owner_role_swaps_the_two(app, client, session, owner, mailbox):
    user, _business = owner
    colleague, _web, member = joined_colleague(app, client, session, mailbox)
    confirm = client.get(f"/mypage/members/{member.id}/owner")
    assert confirm.status_code == 200 and "あなたはメンバーになります" in text(confirm)
    assert submit(client, f"/mypage/members/{member.id}/owner", {}).status_code == 303
    session.expire_all()
    roles = {u.email: m.role for m, u in store.members(session, _business)}
    assert roles == {"owner@example.jp": MemberRole.MEMBER, COLLEAGUE: MemberRole.OWNER}
    assert client.post("/mypage/members/invite", data={"csrf_token": csrf_from(text(client.get("/mypage/members/"))),
                                                       "email": "x@example.jp"}).status_code == 403
    assert len(events(session, "owner_passed")) == 1 and colleague


def test_the_owner_cannot_remove_themselves(client, session, owner):
    user, _business = owner
    own = session.scalar(select(BusinessMember).where(BusinessMember.user_id == user.id))
    response = submit(client, "/mypage/members/", {}, action=f"/mypage/members/{own.id}/remove")
    assert response.status_code == 303
    assert "自分自身は外せません" in text(client.get("/mypage/members/"))


# --- one business, not another ----------------------------------------------------------------------------

def test_one_business_s_owner_cannot_reach_another_s_members_or_invitations(app, client, session, owner, mailbox):
    _user, business = owner
    _colleague, _web, member = joined_colleague(app, client, session, mailbox)
    invite(client, "third@example.jp")
    invitation = session.scalar(select(BusinessInvitation).where(BusinessInvitation.email == "third@example.jp"))
    other = app.test_client()
    signed_in_owner(other, session, email="other-owner@example.jp", number=VALID_NUMBERS[1], name="株式会社ほか")
    page = text(other.get("/mypage/members/"))
    assert COLLEAGUE not in page and "third@example.jp" not in page and "株式会社みらい工房" not in page
    token = csrf_from(page)
    for url in (f"/mypage/members/{member.id}/remove", f"/mypage/members/{member.id}/owner",
                f"/mypage/members/invitations/{invitation.id}/revoke"):
        assert other.post(url, data={"csrf_token": token}).status_code == 404, url
    assert other.get(f"/mypage/members/{member.id}/owner").status_code == 404
    # Inviting only ever invites into one's own business.
    assert other.post("/mypage/members/invite", data={"csrf_token": token, "email": "fourth@example.jp"}).status_code == 303
    fourth = session.scalar(select(BusinessInvitation).where(BusinessInvitation.email == "fourth@example.jp"))
    assert fourth.business_id != business.id
    assert members_of(session, business) == {"owner@example.jp", COLLEAGUE}


def test_the_dead_end_on_registration_links_to_how_members_are_added(app, client, session, owner):
    _user, business = owner
    _newcomer, web = colleague_client(app, session, "newcomer@example.jp")
    response = submit(web, "/mypage/", {"kind": "corporation", "corporate_number": business.corporate_number,
                                        "name": "株式会社みらい工房"}, action="/mypage/register")
    assert response.status_code == 422
    assert "管理者の方に、メンバーとして招待してもらってください" in text(response)
    assert 'href="/members/guide"' in text(response)
    guide = app.test_client().get("/members/guide")
    assert guide.status_code == 200 and "招待してもらうには" in text(guide)


# --- a link raced by parallel requests ---------------------------------------------------------------

def test_parallel_requests_with_one_link_join_exactly_once(app, client, session, owner, mailbox, clock):
    _user, business = owner
    invite(client)
    link = invitation_link(mailbox)
    make_account(session, COLLEAGUE)
    app.config.update(SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        browsers = []
        for _ in range(6):  # six tabs of the invited person, each logged in
            web = requests.Session()
            token = csrf_from(web.get(f"{base}/account/login").text)
            assert web.post(f"{base}/account/login", data={"csrf_token": token, "email": COLLEAGUE,
                                                           "password": PASSWORD}, allow_redirects=False).status_code == 303
            browsers.append((web, csrf_from(web.get(f"{base}{link}").text)))
        start, answers = threading.Barrier(len(browsers)), []

        def accept(web, token):
            start.wait()
            answers.append(web.post(f"{base}{link}", data={"csrf_token": token}, allow_redirects=False))

        threads = [threading.Thread(target=accept, args=browser) for browser in browsers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    statuses = sorted(answer.status_code for answer in answers)
    shown = [re.sub(r"\s+", " ", a.text)[-300:] for a in answers]
    assert len(statuses) == len(browsers) and statuses.count(303) == 1, (statuses, shown)
    assert set(statuses) <= {303, 409, 410}, shown  # the others are told the link was used (or they joined)
    assert members_of(session, business) == {"owner@example.jp", COLLEAGUE}
    assert len(events(session, "member_joined")) == 1
    invitation = session.scalar(select(BusinessInvitation))
    assert invitation.accepted_at is not None and timedelta(0) <= clock.now() - invitation.accepted_at
