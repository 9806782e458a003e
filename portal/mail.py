"""Sending e-mail over SMTP, or to the console when no server is configured (local demo)."""

from __future__ import annotations

import re
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


_LINK = re.compile(r"https?://[^\s<>「」（）()、。]+")


def console_text(message: EmailMessage) -> str:
    """The mail as a person reads it: the headers that matter and the decoded text, each link on a
    line of its own so that a terminal makes it clickable and nothing runs into it."""
    body = message.get_body(preferencelist=("plain",))
    content = body.get_content() if body is not None else ""
    lines = []
    for line in content.splitlines():
        links = _LINK.findall(line)
        rest = " ".join(_LINK.sub(" ", line).split())
        if links and rest:
            lines.extend([rest, *links])
        else:
            lines.append(line)
    headers = [f"{name}: {message[name]}" for name in ("To", "Subject", "List-Unsubscribe") if message[name]]
    return "\n".join(["----- メール（MAIL_SERVER が未設定のため、送らずに表示しています） -----", *headers, "",
                      *lines, "-----"])


def send_message(message: EmailMessage) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        print(console_text(message), file=sys.stdout, flush=True)
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
