"""A business and who belongs to it: registering one, finding the user's, sharing it.

A user belongs to at most one business; everyone who belongs to it sees and edits the same
事業データ. Every page finds "the business" through `business_for_user`, so a user can never reach
another business's data by changing an id in a URL.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import Forbidden, NotFound
from portal.models import Business, BusinessMember, MemberRole, Role, User
from portal.store.errors import AlreadyRegistered
from portal.store.history import MANUAL
from portal.store.sections import SECTIONS
from portal.store.writes import write_record


def business_for_user(session: Session, user: User) -> Business | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return session.scalar(select(Business).join(BusinessMember, BusinessMember.business_id == Business.id)
                          .where(BusinessMember.user_id == user.id))


def require_business(session: Session, user: User) -> Business:
    business = business_for_user(session, user)
    if business is None:
        raise NotFound("事業データがまだ登録されていません。")
    return business


def membership(session: Session, user: User) -> BusinessMember | None:
    return session.scalar(select(BusinessMember).where(BusinessMember.user_id == user.id))


def create_business(session: Session, user: User, kind: str, corporate_number: str | None, name: str,
                    source: str = MANUAL) -> Business:
    """Registers a business with `user` as its owner; the first values go to history like any other."""
    if user.role is not Role.BUSINESS:
        raise Forbidden("事業データを登録できるのは事業者のアカウントです。")
    if membership(session, user) is not None:
        raise AlreadyRegistered("このアカウントには既に事業データが登録されています。")
    business = Business()
    write_record(session, None, SECTIONS["basic"], business,
                 {"kind": kind, "corporate_number": corporate_number, "name": name}, source, user)
    session.add(BusinessMember(business_id=business.id, user_id=user.id, role=MemberRole.OWNER))
    session.flush()
    return business


def add_member(session: Session, business: Business, user: User,
               role: MemberRole = MemberRole.MEMBER) -> BusinessMember:
    """Lets `user` share `business` (a GビズID メンバー of the company, a colleague)."""
    if user.role is not Role.BUSINESS:
        raise Forbidden("事業データを共有できるのは事業者のアカウントです。")
    if membership(session, user) is not None:
        raise AlreadyRegistered("このアカウントは既に別の事業データに登録されています。")
    member = BusinessMember(business_id=business.id, user_id=user.id, role=role)
    session.add(member)
    session.flush()
    return member


def delete_business(session: Session, business: Business) -> None:
    """Deletes the business and, through the database's cascades, every row of its data (sections,
    history, sources, connections, consents, reports…). Its last member deleting their account asks
    for this (portal/site/owndata.py), after revoking what third parties hold."""
    session.delete(business)
    session.flush()


def members(session: Session, business: Business) -> list[tuple[BusinessMember, User]]:
    rows = session.execute(select(BusinessMember, User).join(User, User.id == BusinessMember.user_id)
                           .where(BusinessMember.business_id == business.id)
                           .order_by(BusinessMember.role.desc(), BusinessMember.id))
    return [(member, user) for member, user in rows]
