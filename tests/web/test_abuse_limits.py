"""Abuse limits kept in the database: failed log-ins per account with growing delays, registrations
per client address, mails per address they go to and per client address (portal/abuse)."""

from __future__ import annotations

import pytest

from tests.helpers import submit, text
from tests.web.test_accounts import PASSWORD, events, login, make_user, register

pytestmark = pytest.mark.usefixtures("clock")


def from_address(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_wrong_passwords_from_many_addresses_hold_the_account_back_with_growing_delays(app, clock):
    make_user(app)
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    clients = [from_address(app.test_client(), f"192.0.2.{n}") for n in range(1, 5)]
    answers = [login(clients[n % 4], password=f"wrong-guess-{n}") for n in range(8)]
    assert [a.status_code for a in answers] == [422] * 5 + [429] * 3
    assert "30秒後にもう一度お試しください" in text(answers[5])
    assert login(clients[0]).status_code == 429  # the right password waits too
    clock.advance(seconds=31)
    assert login(clients[1], password="wrong-again-1").status_code == 422  # one more guess: now a minute
    refused = login(clients[2])
    assert refused.status_code == 429 and "約1分後" in text(refused)
    clock.advance(seconds=61)
    assert login(clients[3]).status_code == 303  # the right password clears the count
    assert [a.status_code for a in (login(app.test_client(), password=f"x-wrong-{n}") for n in range(5))] == [422] * 5
    throttled = events(app, "login_failed")
    assert sum(event.detail == "throttled" for event in throttled) == 5


def test_an_address_without_an_account_is_held_back_the_same_way(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    statuses = [login(app.test_client(), email="nobody@example.jp", password="guess-123456").status_code
                for _ in range(6)]
    assert statuses == [422] * 5 + [429]


def test_registrations_from_one_address_are_limited(app, mailbox):
    app.config["REGISTER_LIMIT_PER_ADDRESS"] = "3 per hour"
    client = app.test_client()
    statuses = [register(client, email=f"user{n}@example.jp").status_code for n in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert "このネットワークからの登録が短い時間に多すぎます" in text(register(client, email="late@example.jp"))
    assert len(mailbox.messages) == 3
    assert register(from_address(app.test_client(), "192.0.2.9"), email="other@example.jp").status_code == 303


def test_mails_to_one_address_are_limited_whoever_asks(app, mailbox):
    make_user(app)
    app.config.update(MAIL_LIMIT_PER_RECIPIENT="3 per hour", RESET_RATE_LIMIT="1000 per minute")
    for n in range(6):
        response = submit(from_address(app.test_client(), f"192.0.2.{n + 1}"), "/account/reset",
                          {"email": "taro@example.jp"})
        assert response.status_code == 303  # the answer never tells
    assert len(mailbox.to("taro@example.jp")) == 3
    assert sum(event.detail == "mail limit reached" for event in events(app, "password_reset_requested")) == 3


def test_mails_asked_for_from_one_client_address_are_limited(app, mailbox):
    for n in range(4):
        make_user(app, email=f"user{n}@example.jp")
    app.config.update(MAIL_LIMIT_PER_ADDRESS="2 per hour", RESET_RATE_LIMIT="1000 per minute")
    client = app.test_client()
    for n in range(4):
        submit(client, "/account/reset", {"email": f"user{n}@example.jp"})
    assert len(mailbox.messages) == 2


def test_an_email_change_over_the_limit_says_so_beside_the_field(app, mailbox):
    make_user(app)
    app.config["MAIL_LIMIT_PER_RECIPIENT"] = "1 per hour"
    client = app.test_client()
    assert login(client).status_code == 303
    form = {"em-new_email": "jiro@example.jp", "em-password": PASSWORD}
    assert submit(client, "/account/", form, action="/account/email").status_code == 303
    again = submit(client, "/account/", form, action="/account/email")
    assert again.status_code == 422 and "短い時間に何度も確認メールを送っています" in text(again)
    assert len(mailbox.to("jiro@example.jp")) == 1
