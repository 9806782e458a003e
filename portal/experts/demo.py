"""Demo 専門家派遣依頼 for `portal seed`: one request of the demo business in every state, to the demo
supporter's agency, so its inbox has something under every tab, and a 下書き the agency wrote for it.
Written once: skipped when the demo business has any request already."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock, store
from portal.accounts.services import find_user
from portal.experts.services import new_draft
from portal.experts.states import AGENCY, BUSINESS, SYSTEM, move
from portal.models import ExpertRequest, RequestFormat, RequestState as S

#: (themes, description, the states it goes through after 下書き)
DEMO = [
    (["it_dx"], "受発注をExcelで管理しています。クラウドの販売管理に移したいので相談したいです。", []),
    (["cash"], "来年の設備投資に向けて、資金繰り表の作り方を教えてほしいです。", [S.SENT]),
    (["sales"], "展示会に出展したいが、費用対効果の考え方が分かりません。", [S.SENT]),
    (["succession"], "5年後の事業承継に向けて、何から始めればよいか知りたいです。", [S.SENT, S.ACCEPTED]),
    (["management", "cash"], "原材料高で利益が減っています。価格転嫁の進め方を相談したいです。",
     [S.SENT, S.ACCEPTED, S.SCHEDULED]),
    (["people"], "若手の採用と定着について相談したいです。", [S.SENT, S.ACCEPTED, S.SCHEDULED, S.DONE]),
    (["ip"], "自社製品の名前を商標登録すべきか相談したいです。", [S.SENT, S.ACCEPTED, S.SCHEDULED, S.DONE, S.COMPLETED]),
    (["disaster"], "BCP（事業継続計画）を作りたいです。", [S.SENT, S.DECLINED]),
    (["other"], "補助金の申請書の書き方について。", [S.SENT, S.WITHDRAWN]),
    (["startup"], "新しい事業部門を立ち上げる相談です。", [S.SENT, S.EXPIRED]),
]


def seed_demo_expert_requests(session: Session, email: str = "demo@example.jp",
                              supporter_email: str = "shien@example.jp") -> list[str]:
    owner = find_user(session, email)
    supporter = find_user(session, supporter_email)
    business = store.business_for_user(session, owner) if owner is not None else None
    agencies = store.agencies_of_user(session, supporter) if supporter is not None else []
    if business is None or not agencies:
        return []
    if session.scalar(select(ExpertRequest.id).where(ExpertRequest.business_id == business.id).limit(1)):
        return []
    agency = agencies[0]
    today = clock.today()
    for themes, description, steps in DEMO:
        request = new_draft(session, business, owner)
        request.themes, request.description, request.agency_id = themes, description, agency.id
        request.format = RequestFormat.ONLINE if "it_dx" in themes else RequestFormat.VISIT
        request.preferred_dates, request.consented_sections = "平日の午後", ["basic", "period"]
        for to in steps:
            if to is S.SENT:
                request.fiscal_year = today.year if today.month >= 4 else today.year - 1
                move(session, request, to, BUSINESS, owner)
            elif to is S.WITHDRAWN or to is S.COMPLETED:
                if to is S.COMPLETED:
                    request.rated_contacted, request.rated_useful = True, True
                move(session, request, to, BUSINESS, owner, note="自社で対応することにしました" if to is S.WITHDRAWN else "")
            elif to is S.EXPIRED:
                move(session, request, to, SYSTEM, note="45日以内に受け付けられませんでした")
            else:
                if to is S.ACCEPTED:
                    request.assignee_id = supporter.id
                if to is S.SCHEDULED:
                    request.visit_on, request.visit_time = today + timedelta(days=7), "14:00"
                    request.visit_place, request.expert_name = "本社 会議室", "中小 太郎（中小企業診断士）"
                if to is S.DONE:
                    request.report_discussed = "現状の採用活動と離職の理由を伺いました。"
                    request.report_advice = "求人票の見直しと、入社後3か月の面談の仕組みを提案しました。"
                    request.report_next_steps = "次回までに求人票の案を作成する。"
                    request.report_minutes = 90
                move(session, request, to, AGENCY, supporter,
                     note="担当できる専門家が見つかりませんでした" if to is S.DECLINED else "")
    filed = new_draft(session, business, supporter, actor=AGENCY)  # the 中小企業119 path: the agency drafts it
    filed.themes, filed.agency_id = ["it_dx", "sales"], agency.id
    filed.description = "（支援機関が作成）ECサイトの立ち上げと集客について、専門家の派遣をご提案します。"
    session.commit()
    return [f"デモの専門家派遣依頼を{len(DEMO) + 1}件（すべての状態と、支援機関が代わりに作った下書き）{email} に登録し、"
            f"「{agency.name}」に届けました"]
