"""What a GビズID UserInfo response says, in the portal's words.

GビズID sends codes as strings ("1"/"2"/"3"); some providers send numbers, so both are read. The
account type decides what the user may do; the business claims pre-fill 基本情報.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from portal import corporate_number
from portal.errors import DomainError
from portal.taxonomy import prefecture_code

ACCOUNT_TYPES = {"1": "entry", "2": "prime", "3": "member"}
CORP_TYPES = {"1": "corporation", "2": "sole_proprietor"}
ACCOUNT_LABELS = {"prime": "GビズIDプライム", "member": "GビズIDメンバー", "entry": "GビズIDエントリー"}


class ClaimsError(DomainError):
    """UserInfo lacks what the portal needs; the message is for the person logging in."""


@dataclass(frozen=True)
class GbizClaims:
    subject: str
    account_type: str
    corp_type: str
    corporate_number: str | None
    business_name: str
    prefecture: str | None
    address: str
    representative_name: str
    person_name: str
    email: str

    @property
    def account_label(self) -> str:
        return ACCOUNT_LABELS[self.account_type]

    def basic_values(self) -> dict[str, str]:
        """基本情報 as the store's fields (text, as a form would send it); empty claims are left out."""
        values = {"prefecture": self.prefecture or "", "address": self.address,
                  "representative_name": self.representative_name, "contact_name": self.person_name,
                  "contact_email": self.email}
        return {name: value for name, value in values.items() if value}


def _text(claims: Mapping[str, object], *names: str, separator: str = "") -> str:
    parts = [str(claims.get(name) or "").strip() for name in names]
    return separator.join(part for part in parts if part)


def parse_claims(claims: Mapping[str, object]) -> GbizClaims:
    subject = _text(claims, "sub")
    if not subject:
        raise ClaimsError("GビズIDから利用者の識別子が届きませんでした。もう一度ログインしてください。")
    account_type = ACCOUNT_TYPES.get(_text(claims, "account_type"))
    corp_type = CORP_TYPES.get(_text(claims, "corp_type"))
    if account_type is None or corp_type is None:
        raise ClaimsError("GビズIDからアカウントの種類が届きませんでした。ポータルの運営事務局にお問い合わせください。")
    number = None
    if corp_type == "corporation":
        try:
            number = corporate_number.validate(_text(claims, "corporate_number"))
        except corporate_number.CorporateNumberError as error:
            raise ClaimsError("GビズIDから届いた法人番号を確かめられませんでした。ポータルの運営事務局にお問い合わせください。"
                              ) from error
    email = _text(claims, "email").lower()
    if not email:
        raise ClaimsError("GビズIDからメールアドレスが届きませんでした。GビズIDの登録内容を確かめてください。")
    person = _text(claims, "user_last_name", "user_first_name", separator=" ")
    representative = _text(claims, "rep_last_name", "rep_first_name", separator=" ")
    name = _text(claims, "name") or representative or person
    return GbizClaims(subject=subject, account_type=account_type, corp_type=corp_type, corporate_number=number,
                      business_name=name, prefecture=prefecture_code(_text(claims, "prefecture_name")),
                      address=_text(claims, "address1", "address2", "address3"),
                      representative_name=representative, person_name=person, email=email)
