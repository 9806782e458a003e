"""Sending e-mail over SMTP, or to the console when no server is configured (local demo)."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="portal.localhost")
    message.set_content(body, charset="utf-8")
    return message


def send_message(message: EmailMessage) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        print(f"----- e-mail (no MAIL_SERVER set; printed instead) -----\n{message}\n-----",
              file=sys.stdout, flush=True)
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], int(config["MAIL_PORT"]),
                    timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def send_template(to: str, subject: str, template: str, **context) -> None:
    """Render `templates/<template>` as the plain-text body and send it."""
    body = render_template(template, **context)
    send_message(build_message(to, subject, body))
