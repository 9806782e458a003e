"""Telling people about a request: an inbox item (which `portal notify` pushes and puts in the digest)
and an e-mail, to the business's members or the agency's members.

Every item's key names the request and what happened (`expert:12:sent`), unique per user, so a
second call for the same event inserts nothing and mails nobody.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock
from portal.mail import queue_template
from portal.notify.claims import insert_or_skip
from portal.public_url import public_url
from portal.models import AgencyMember, Business, BusinessMember, ExpertRequest, Notification, SupportAgency, User


def business_users(session: Session, request: ExpertRequest) -> list[User]:
    return list(session.scalars(select(User).join(BusinessMember, BusinessMember.user_id == User.id)
                                .where(BusinessMember.business_id == request.business_id, User.active.is_(True))
                                .order_by(User.id)))


def agency_users(session: Session, request: ExpertRequest) -> list[User]:
    if request.assignee_id is not None:
        assignee = session.get(User, request.assignee_id)
        if assignee is not None and assignee.active:
            return [assignee]
    return list(session.scalars(select(User).join(AgencyMember, AgencyMember.user_id == User.id)
                                .where(AgencyMember.agency_id == request.agency_id, User.active.is_(True))
                                .order_by(User.id)))


def _insert(session: Session, values: dict) -> bool:
    """Inserts one inbox item unless the user already has its key; True when it was new."""
    return insert_or_skip(session, Notification, values, ["user_id", "key"])


def tell(session: Session, users: list[User], request: ExpertRequest, event: str, title: str, body: str,
         url: str) -> int:
    """One inbox item and one mail per user who has not had this event yet; returns how many were told."""
    told = 0
    site = current_app.config["SITE_NAME"]
    for user in users:
        if _insert(session, {"user_id": user.id, "key": f"expert:{request.id}:{event}", "kind": "expert",
                             "title": title[:300], "body": body[:1000], "url": url, "created_at": clock.now()}):
            queue_template(session, user.email, f"【{site}】{title}", "mail/expert_request.txt", title=title,
                           body=body, link=url_for_mail(url))
            told += 1
    return told


def url_for_mail(path: str) -> str:
    return f"{public_url(current_app)}{path}"


def _names(session: Session, request: ExpertRequest) -> tuple[str, str]:
    business = session.get(Business, request.business_id)
    agency = session.get(SupportAgency, request.agency_id) if request.agency_id else None
    return business.name, agency.name if agency is not None else ""


def _agency_url(request: ExpertRequest) -> str:
    return f"/agency/expert-requests/{request.id}"


def _business_url(request: ExpertRequest) -> str:
    return f"/expert-requests/{request.id}"


def sent(session: Session, request: ExpertRequest) -> None:
    business, _agency = _names(session, request)
    tell(session, agency_users(session, request), request, "sent", f"{business}から専門家派遣の依頼が届きました",
         "内容を確認して、受けるか辞退するかを選んでください。", _agency_url(request))


def accepted(session: Session, request: ExpertRequest) -> None:
    _business, agency = _names(session, request)
    tell(session, business_users(session, request), request, "accepted", f"{agency}が専門家派遣の依頼を受けました",
         "日程の連絡をお待ちください。", _business_url(request))


def declined(session: Session, request: ExpertRequest) -> None:
    _business, agency = _names(session, request)
    tell(session, business_users(session, request), request, "declined", f"{agency}が専門家派遣の依頼を辞退しました",
         f"理由：{request.decline_reason}　ほかの支援機関に依頼し直せます。", _business_url(request))


def scheduled(session: Session, request: ExpertRequest, version: int) -> None:
    _business, agency = _names(session, request)
    tell(session, business_users(session, request), request, f"scheduled:{version}",
         f"専門家派遣の日程が決まりました（{request.visit_on:%Y年%m月%d日} {request.visit_time}）",
         f"{agency}の{request.expert_name}さんが伺います。カレンダー用ファイル（.ics）も取り出せます。", _business_url(request))


def reported(session: Session, request: ExpertRequest) -> None:
    _business, agency = _names(session, request)
    tell(session, business_users(session, request), request, "reported", f"{agency}が支援実施報告を提出しました",
         "内容を確認し、支援を受けたことの確認と評価をお願いします。", _business_url(request))


def withdrawn(session: Session, request: ExpertRequest) -> None:
    if request.agency_id is None or request.sent_at is None:
        return
    business, _agency = _names(session, request)
    tell(session, agency_users(session, request), request, "withdrawn", f"{business}が専門家派遣の依頼を取り下げました",
         "この依頼への対応は不要になりました。", _agency_url(request))


def completed(session: Session, request: ExpertRequest) -> None:
    business, _agency = _names(session, request)
    tell(session, agency_users(session, request), request, "completed", f"{business}が支援の実施を確認しました",
         "評価が届きました。", _agency_url(request))


def reminded(session: Session, request: ExpertRequest, kind: str) -> None:
    """The reminders of `portal.experts.jobs`, by kind."""
    business, agency = _names(session, request)
    if kind.startswith("agency_"):
        days = kind.removeprefix("agency_")
        tell(session, agency_users(session, request), request, f"remind:{kind}",
             f"【{days}日経過】{business}からの専門家派遣の依頼が未対応です",
             "受けるか辞退するかを選んでください。", _agency_url(request))
    elif kind == "business_waiting":
        tell(session, business_users(session, request), request, f"remind:{kind}",
             f"{agency}がまだ専門家派遣の依頼を受け付けていません",
             "このまま待つか、依頼を取り下げてほかの支援機関に依頼し直せます。", _business_url(request))
    elif kind == "expired":
        tell(session, business_users(session, request), request, "expired", "専門家派遣の依頼が期限切れになりました",
             f"{agency}が期限内に受け付けなかったため、依頼は期限切れになりました。ほかの支援機関に依頼できます。",
             _business_url(request))
        tell(session, agency_users(session, request), request, "expired", f"{business}からの依頼が期限切れになりました",
             "受け付けの期限を過ぎました。", _agency_url(request))
    elif kind == "confirm":
        tell(session, business_users(session, request), request, f"remind:{kind}",
             "専門家派遣の確認と評価をお願いします", "支援を受けたことの確認と、2つの質問への回答をお願いします。",
             _business_url(request))


def filed_for(session: Session, request: ExpertRequest) -> None:
    """The agency wrote a 下書き for the business (the 中小企業119 path): the business is asked to send it."""
    session.flush()
    _business, agency = _names(session, request)
    tell(session, business_users(session, request), request, "filed_for",
         f"{agency}が専門家派遣の依頼の下書きを作りました",
         "内容と、支援機関に見せてよい事業データを確かめて、依頼を送ってください。", _business_url(request))
