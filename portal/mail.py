"""E-mail: written during the request, sent by a worker over SMTP (or to the console, for the demo).

A request renders its mail and asks for the job `mail.deliver` in its own transaction
(`queue_template`), so no page waits for an SMTP server and a mail exists exactly when the change
it tells of was committed. The job is claimed before the SMTP conversation starts; a refused or
unreachable server makes it try again later (five attempts, from 30 seconds apart to an hour). Only a
worker killed in the instant between the server's acceptance and the job's `done` can make a mail
go out twice; before that instant a killed delivery is simply done again by the sweep.
"""

from __future__ import annotations

import email
import re
import smtplib
import sys
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from flask import current_app, render_template
from sqlalchemy.orm import Session

from portal import jobs


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
    """The SMTP conversation itself (what the worker does); prints the mail when no server is set."""
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


def queue_message(session: Session, message: EmailMessage) -> int | None:
    """Asks for the delivery of `message` in the session's transaction (the caller commits)."""
    return jobs.enqueue(session, "mail.deliver", to=str(message["To"]), message=message.as_string(policy=SMTP))


def queue_template(session: Session, to: str, subject: str, template: str, **context) -> int | None:
    """Renders `templates/<template>` as the plain-text body and queues the mail."""
    body = render_template(template, **context)
    return queue_message(session, build_message(to, subject, body))


def parse(message: str) -> EmailMessage:
    """A queued mail (as `as_string` wrote it) back into a message to send."""
    return email.message_from_string(message, _class=EmailMessage, policy=SMTP)


def send_template(to: str, subject: str, template: str, **context) -> None:
    """The older call (render and send after the caller's commit): now queues the mail in the current
    request's or command's session and commits it. New code uses `queue_template` before its commit."""
    from portal.db import get_session

    session = get_session()
    queue_template(session, to, subject, template, **context)
    session.commit()


@jobs.task("mail.deliver")
def deliver(session: Session, to: str, message: str) -> None:
    """Sends one queued mail; an SMTP error (an OSError) fails the attempt, and the job is retried."""
    parsed = parse(message)
    send_message(parsed)
    current_app.logger.info("mail delivered to %s: %s", to, parsed["Subject"])
