"""The e-mail address rule, the same for the registration form and `portal create-user`."""

from __future__ import annotations

import email_validator

MAX_LENGTH = 254
FORMAT_MESSAGE = "メールアドレスの形式が正しくありません（例：taro@example.jp）。"


def email_problem(email: str | None) -> str | None:
    """Why `email` cannot be an account's address, in Japanese, or None when it can."""
    text = (email or "").strip()
    if not text:
        return "メールアドレスを入力してください。"
    if len(text) > MAX_LENGTH:
        return "メールアドレスが長すぎます。"
    try:
        # As the form's WTForms Email validator calls it (no DNS look-up).
        email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return FORMAT_MESSAGE
    return None
