"""The test accounts the stand-in provider offers: every account type for a 法人 and a 個人事業主.

Names, addresses and people are made up. The 法人番号 carry correct check digits; 株式会社みなと製作所
uses the number the gBizINFO sandbox knows, so that a demo can log in with GビズID and then link gBizINFO
for the same company. Claims are grouped by the scope that releases them, with the claim names and
code values of the real GビズID UserInfo (domain.md §6): account_type 1 エントリー / 2 プライム /
3 メンバー, corp_type 1 法人 / 2 個人事業主.
"""

from __future__ import annotations

from dataclasses import dataclass

ACCOUNT_TYPE_CODES = {"entry": "1", "prime": "2", "member": "3"}
ACCOUNT_TYPE_LABELS = {"entry": "GビズIDエントリー", "prime": "GビズIDプライム", "member": "GビズIDメンバー"}
CORP_TYPE_CODES = {"corporation": "1", "sole_proprietor": "2"}
CORP_TYPE_LABELS = {"corporation": "法人", "sole_proprietor": "個人事業主"}


@dataclass(frozen=True)
class StandinIdentity:
    key: str
    subject: str
    account_type: str
    corp_type: str
    corporate_number: str
    name: str
    prefecture_name: str
    address1: str
    address2: str
    rep_last_name: str
    rep_first_name: str
    user_last_name: str
    user_first_name: str
    user_last_name_kana: str
    user_first_name_kana: str
    user_department: str
    user_tel_no: str
    email: str
    note: str = ""

    @property
    def label(self) -> str:
        return f"{ACCOUNT_TYPE_LABELS[self.account_type]}（{CORP_TYPE_LABELS[self.corp_type]}）"

    @property
    def person(self) -> str:
        return f"{self.user_last_name} {self.user_first_name}"

    def claims(self, scopes: set[str]) -> dict[str, str]:
        """UserInfo for the scopes granted; `sub` always, the rest only when its scope was asked for."""
        claims = {"sub": self.subject}
        if "profile" in scopes:
            claims.update({
                "account_type": ACCOUNT_TYPE_CODES[self.account_type],
                "corp_type": CORP_TYPE_CODES[self.corp_type],
                "corporate_number": self.corporate_number,
                "name": self.name,
                "prefecture_name": self.prefecture_name,
                "address1": self.address1,
                "address2": self.address2,
                "rep_last_name": self.rep_last_name,
                "rep_first_name": self.rep_first_name,
            })
        if "user" in scopes:
            claims.update({
                "user_last_name": self.user_last_name,
                "user_first_name": self.user_first_name,
                "user_last_name_kana": self.user_last_name_kana,
                "user_first_name_kana": self.user_first_name_kana,
                "user_department": self.user_department,
                "user_tel_no": self.user_tel_no,
            })
        if "email" in scopes:
            claims["email"] = self.email
        return claims


_MINATO = {"corp_type": "corporation", "corporate_number": "7123456789012", "name": "株式会社みなと製作所",
           "prefecture_name": "神奈川県", "address1": "横浜市中区", "address2": "山下町1番地",
           "rep_last_name": "港", "rep_first_name": "一郎"}
_SAKURA = {"corp_type": "sole_proprietor", "corporate_number": "", "name": "さくら整体院",
           "prefecture_name": "静岡県", "address1": "浜松市中央区", "address2": "鍛冶町3番地の12",
           "rep_last_name": "桜井", "rep_first_name": "美咲"}

IDENTITIES: tuple[StandinIdentity, ...] = (
    StandinIdentity("minato-prime", "5f0c6a52-1d3e-4b8a-9c21-7a41d2e80001", "prime", **_MINATO,
                 user_last_name="港", user_first_name="一郎", user_last_name_kana="ミナト",
                 user_first_name_kana="イチロウ", user_department="代表取締役", user_tel_no="045-000-1234",
                 email="minato.prime@gbizid-standin.example.jp",
                 note="会社の代表者のアカウントです。初めてのログインで事業データが作られます。"),
    StandinIdentity("minato-member", "5f0c6a52-1d3e-4b8a-9c21-7a41d2e80002", "member", **_MINATO,
                 user_last_name="波多野", user_first_name="真理", user_last_name_kana="ハタノ",
                 user_first_name_kana="マリ", user_department="総務部", user_tel_no="045-000-1235",
                 email="minato.member@gbizid-standin.example.jp",
                 note="同じ会社の従業員のアカウントです。会社の事業データを共有します。"),
    StandinIdentity("aoba-entry", "5f0c6a52-1d3e-4b8a-9c21-7a41d2e80003", "entry",
                 corp_type="corporation", corporate_number="5999901000011", name="合同会社あおば珈琲",
                 prefecture_name="宮城県", address1="仙台市青葉区", address2="一番町2丁目4番8号",
                 rep_last_name="青葉", rep_first_name="翔太", user_last_name="青葉", user_first_name="翔太",
                 user_last_name_kana="アオバ", user_first_name_kana="ショウタ", user_department="",
                 user_tel_no="022-000-5678", email="aoba.entry@gbizid-standin.example.jp",
                 note="書類審査のないアカウントです。API連携でのデータ提供はできません。"),
    StandinIdentity("sakura-prime", "5f0c6a52-1d3e-4b8a-9c21-7a41d2e80004", "prime", **_SAKURA,
                 user_last_name="桜井", user_first_name="美咲", user_last_name_kana="サクライ",
                 user_first_name_kana="ミサキ", user_department="", user_tel_no="053-000-2468",
                 email="sakura.prime@gbizid-standin.example.jp",
                 note="個人事業主本人のアカウントです。"),
    StandinIdentity("sakura-member", "5f0c6a52-1d3e-4b8a-9c21-7a41d2e80005", "member", **_SAKURA,
                 user_last_name="桜井", user_first_name="健", user_last_name_kana="サクライ",
                 user_first_name_kana="ケン", user_department="", user_tel_no="053-000-2469",
                 email="sakura.member@gbizid-standin.example.jp",
                 note="個人事業主の家族従業員のアカウントです。"),
    StandinIdentity("komorebi-entry", "5f0c6a52-1d3e-4b8a-9c21-7a41d2e80006", "entry",
                 corp_type="sole_proprietor", corporate_number="", name="こもれび農園",
                 prefecture_name="長野県", address1="安曇野市", address2="穂高5678番地",
                 rep_last_name="木村", rep_first_name="陽介", user_last_name="木村", user_first_name="陽介",
                 user_last_name_kana="キムラ", user_first_name_kana="ヨウスケ", user_department="",
                 user_tel_no="0263-00-1357", email="komorebi.entry@gbizid-standin.example.jp",
                 note="書類審査のない個人事業主のアカウントです。"),
)

BY_KEY = {identity.key: identity for identity in IDENTITIES}
BY_SUBJECT = {identity.subject: identity for identity in IDENTITIES}
