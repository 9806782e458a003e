"""Without `MAIL_SERVER` (the local demo) a mail is printed for the newcomer to read: decoded text,
not base64, and every link on a line of its own that can be opened as it stands."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import urlsplit

from portal.mail import console_text
from tests.helpers import text
from tests.web.test_accounts import login, register


def test_the_printed_confirmation_mail_is_readable_and_its_link_works(app, client, capsys):
    app.config["MAIL_SERVER"] = None
    assert register(client).status_code == 303
    printed = capsys.readouterr().out
    assert "base64" not in printed and "Content-Transfer-Encoding" not in printed
    assert "Subject: 【中小企業支援ポータル】メールアドレスの確認" in printed
    assert "To: taro@example.jp" in printed
    [link] = [line for line in printed.splitlines() if "/account/confirm/" in line]
    assert link.startswith("http://portal.test/account/confirm/") and " " not in link
    confirmed = client.get(urlsplit(link).path, follow_redirects=True)
    assert "メールアドレスを確認しました" in text(confirmed)
    assert login(client).status_code == 303


def test_a_link_inside_a_sentence_gets_a_line_of_its_own():
    message = EmailMessage()
    message["To"] = "hanako@example.jp"
    message["Subject"] = "お知らせ"
    message.set_content("詳しくは https://portal.example.jp/supports/12 をご覧ください。\n次の行\n", charset="utf-8")
    lines = console_text(message).splitlines()
    assert "https://portal.example.jp/supports/12" in lines
    assert "詳しくは をご覧ください。" in lines and "次の行" in lines
    assert "Subject: お知らせ" in lines and "To: hanako@example.jp" in lines
