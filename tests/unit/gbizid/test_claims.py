"""Mapping GビズID UserInfo claims to the portal's account types and 基本情報."""

from __future__ import annotations

import pytest

from portal.gbizid.claims import ClaimsError, parse_claims
from portal.gbizid_standin.identities import BY_KEY, IDENTITIES

ALL_SCOPES = {"openid", "profile", "user", "email"}


@pytest.mark.parametrize("identity", IDENTITIES, ids=lambda identity: identity.key)
def test_every_stand_in_identity_maps_to_its_account_and_corp_type(identity):
    claims = parse_claims(identity.claims(ALL_SCOPES))
    assert (claims.subject, claims.account_type, claims.corp_type) == (
        identity.subject, identity.account_type, identity.corp_type)
    assert claims.corporate_number == (identity.corporate_number or None)
    assert claims.email == identity.email


def test_a_corporation_prime_becomes_basic_values():
    claims = parse_claims(BY_KEY["minato-prime"].claims(ALL_SCOPES))
    assert claims.business_name == "株式会社みなと製作所" and claims.account_label == "GビズIDプライム"
    assert claims.basic_values() == {"prefecture": "14", "address": "横浜市中区山下町1番地",
                                     "representative_name": "港 一郎", "contact_name": "港 一郎",
                                     "contact_email": "minato.prime@gbizid-standin.example.jp"}


def test_numbers_instead_of_strings_and_extra_address_lines_are_read():
    claims = parse_claims({"sub": "s", "account_type": 3, "corp_type": 1, "corporate_number": "７１２３４５６７８９０１２",
                           "name": " 株式会社テスト ", "prefecture_name": "大阪府", "address1": "大阪市北区",
                           "address2": "梅田1-1", "address3": "テストビル3階", "email": "A@Example.JP"})
    assert (claims.account_type, claims.corp_type, claims.corporate_number) == ("member", "corporation",
                                                                                "7123456789012")
    assert claims.address == "大阪市北区梅田1-1テストビル3階" and claims.prefecture == "27"
    assert claims.email == "a@example.jp" and claims.business_name == "株式会社テスト"


def test_a_sole_proprietor_without_a_trade_name_is_named_after_its_representative():
    claims = parse_claims({"sub": "s", "account_type": "2", "corp_type": "2", "corporate_number": "",
                           "rep_last_name": "山田", "rep_first_name": "花子", "prefecture_name": "どこか",
                           "email": "h@example.jp"})
    assert claims.corporate_number is None and claims.business_name == "山田 花子"
    assert claims.prefecture is None and "prefecture" not in claims.basic_values()


@pytest.mark.parametrize("change, message", [
    ({"sub": ""}, "識別子"),
    ({"account_type": "9"}, "アカウントの種類"),
    ({"corp_type": None}, "アカウントの種類"),
    ({"corporate_number": "7123456789013"}, "法人番号"),
    ({"corporate_number": ""}, "法人番号"),
    ({"email": None}, "メールアドレス"),
])
def test_claims_the_portal_cannot_use_are_refused_in_japanese(change, message):
    claims = {**BY_KEY["minato-prime"].claims(ALL_SCOPES), **change}
    with pytest.raises(ClaimsError) as raised:
        parse_claims({k: v for k, v in claims.items() if v is not None})
    assert message in raised.value.message
