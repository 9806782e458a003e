"""How many mails one address receives, and one client address makes the portal send.

The account flows (confirmation, resend, password reset, e-mail change) ask `may_send` before they
hand a mail over, however it is then sent. A refusal is silent where the page must not tell whether
an account exists (resend, reset) and a message beside the field where it may (e-mail change).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from portal.abuse.counters import hit


def may_send(session: Session, recipient: str, client_address: str | None) -> bool:
    """Counts one mail to `recipient` asked for from `client_address`; False when either had its fill."""
    config = current_app.config
    if client_address and not hit(session, "mail-from", client_address, config["MAIL_LIMIT_PER_ADDRESS"]):
        return False
    return hit(session, "mail-to", recipient.strip().lower(), config["MAIL_LIMIT_PER_RECIPIENT"])


def may_register(session: Session, client_address: str | None) -> bool:
    """Counts one registration from `client_address`; False when it had its fill."""
    if not client_address:
        return True
    return hit(session, "register-from", client_address, current_app.config["REGISTER_LIMIT_PER_ADDRESS"])
