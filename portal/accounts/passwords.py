"""The password rule, in one place so that every form applies the same one."""

from __future__ import annotations

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 128

# Passwords that pass a length rule yet are the first ones an attacker tries.
COMMON = {
    "password123", "password1234", "1234567890", "0123456789", "qwertyuiop", "qwerty1234",
    "abcdefghij", "abcd123456", "iloveyou12", "passw0rd12", "administrator", "letmein123",
}


def password_problem(password: str, email: str = "") -> str | None:
    """The reason a password is too weak, in Japanese, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"パスワードは{MIN_LENGTH}文字以上にしてください。"
    if len(password) > MAX_LENGTH:
        return f"パスワードは{MAX_LENGTH}文字以内にしてください。"
    if len(set(password)) < 4:
        return "同じ文字の繰り返しが多すぎます。推測されにくいパスワードにしてください。"
    if password.isdigit():
        return "数字だけのパスワードは推測されやすいため使えません。文字も混ぜてください。"
    if password.lower() in COMMON:
        return "よく使われていて推測されやすいパスワードです。別のパスワードにしてください。"
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        return "メールアドレスの一部を含むパスワードは使えません。"
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    return bool(password_hash) and check_password_hash(password_hash, password)
