"""The one password rule."""

import pytest

from portal.accounts.passwords import password_problem


@pytest.mark.parametrize("password", ["hikari-no-michi-42", "とても長い日本語のパスワード", "Tr0ub4dor&3xyz"])
def test_reasonable_passwords_pass(password):
    assert password_problem(password, "taro@example.jp") is None


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "10文字以上"),
        ("a" * 129, "128文字以内"),
        ("aaaaaaaaaaab", "繰り返し"),
        ("98765432109", "数字だけ"),
        ("Password123", "推測されやすい"),
        ("my-taro-secret", "メールアドレスの一部"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    assert reason in password_problem(password, "taro@example.jp")
