"""`/staff/`: the 職員 home and the editing, history and review screens of measures and articles.

Every route here is for 職員 only (the log-in page for visitors, 403 for other accounts); approving,
returning and publishing also need the 公開者 role (403 for a 編集者).
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal import clock
from portal.content.markup import render_body, render_markdown
from portal.content.services import resolve_related
from portal.db import get_session
from portal.editorial import services
from portal.editorial.forms import TAG_CHOICES, ArticleForm, CaseForm, SupportForm
from portal.errors import Conflict
from portal.forms import attach
from portal.htmx import redirect_after_post, render
from portal.models import Article, ArticleCategory, Case, Support
from portal.staff import refuse_unless_staff
from portal.ui import JST

bp = Blueprint("editorial", __name__, url_prefix="/staff")
bp.before_request(refuse_unless_staff)

STAFF_TOOLS = (("editorial.audit", "編集の記録（監査ログ）"), ("editorial.support_list", "支援制度の編集"), ("editorial.case_list", "事例の編集"), ("editorial.article_list", "記事（経営お役立ちコンテンツ）の編集"),
               ("news.manage", "お知らせの編集"), ("staff_clients.index", "申請サイト（ワンスオンリーAPI）の登録"),
               ("staff_experts.index", "専門家派遣依頼の一覧と実績"))


@bp.get("/")
def home():
    session = get_session()
    waiting, mine, planned = (services.waiting_for_review(session), services.drafts_of(session, current_user),
                              services.scheduled(session))
    return render("staff/home.html", waiting=waiting, mine=mine, planned=planned, tools=STAFF_TOOLS,
                  titles=services.titles(session, [*waiting, *mine, *planned]))


def _titles_page(kind: str, model):
    """The staff list of measures or cases: the newest 50, narrowed by `q` in the title."""
    q = (request.args.get("q") or "").strip()[:100]
    statement = select(model.id, model.title, model.updated_at).order_by(model.id.desc()).limit(50)
    if q:
        statement = statement.where(model.title.contains(q, autoescape=True))
    return render("staff/list.html", kind=kind, rows=get_session().execute(statement).all(), q=q)


@bp.get("/supports")
def support_list():
    return _titles_page("support", Support)


@bp.get("/cases")
def case_list():
    return _titles_page("case", Case)


@bp.get("/articles")
def article_list():
    session = get_session()
    rows = session.execute(select(Article.id, Article.title, Article.updated_at, Article.published_at)
                           .order_by(Article.id.desc()).limit(200)).all()
    return render("staff/list.html", kind="article", rows=rows, q="")


AUDIT_ACTIONS = {"create": "新しく作成", "save": "下書きを保存", "submit": "確認に出した", "approve": "承認して公開",
                 "schedule": "承認して公開を予約", "return": "差し戻し", "publish": "確認を省いて公開", "revert": "前の版に戻した",
                 "propose": "取り込みの更新を提案", "scheduled_publish": "予約した日時に公開", "unpublish": "掲載終了（自動）"}
AUDIT_KINDS = {"support": "支援制度", "case": "事例", "article": "記事"}
AUDIT_PER_PAGE = 50


def _audit_row(event, user) -> dict:
    """One editorial event as 職員 read it: who, when, what, which item (the detail starts `kind:id`)."""
    kind, _, rest = (event.detail or "").partition(":")
    number, _, rest = rest.partition(" ")
    object_id = int(number) if number.isdigit() else None
    staged = object_id is not None and object_id >= services.NEW_BASE
    return {"at": event.at, "who": user.name_for_display if user else "（自動処理）",
            "action": AUDIT_ACTIONS.get(event.event.removeprefix("editorial."), event.event),
            "kind": kind if kind in AUDIT_KINDS else None, "kind_label": AUDIT_KINDS.get(kind, ""),
            "object_id": object_id if kind in AUDIT_KINDS and not staged else None, "staged": staged, "text": rest}


@bp.get("/audit")
def audit():
    from portal.models import AuditEvent, User

    session = get_session()
    kind = request.args.get("kind") or ""
    kind = kind if kind in AUDIT_KINDS else ""
    page = request.args.get("page", "1")
    page = max(int(page), 1) if page.isascii() and page.isdigit() else 1
    where = [AuditEvent.event.like("editorial.%")]
    if kind:
        where.append(AuditEvent.detail.like(f"{kind}:%"))
    total = session.scalar(select(func.count(AuditEvent.id)).where(*where)) or 0
    pages = max((total + AUDIT_PER_PAGE - 1) // AUDIT_PER_PAGE, 1)
    page = min(page, pages)
    rows = session.execute(select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.user_id).where(*where)
                           .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                           .limit(AUDIT_PER_PAGE).offset((page - 1) * AUDIT_PER_PAGE)).all()
    return render("staff/audit.html", rows=[_audit_row(e, u) for e, u in rows], kind=kind, kinds=AUDIT_KINDS,
                  page=page, pages=pages, total=total)


def _parse_local(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=JST) if parsed.tzinfo is None else parsed


def _support_choices(session) -> tuple[list[tuple[str, str]], set[int]]:
    rows = session.execute(select(Support.id, Support.title).order_by(Support.title)).all()
    return [(str(i), t) for i, t in rows], {i for i, _t in rows}


def _edit_page(kind: str, obj, form, *, preview=None, status: int = 200, rev=None, related=None):
    locked = rev is not None and rev.state in services.LOCKING
    template = f"staff/edit_{kind}.html"
    return render(template, block="related_picker" if related is not None and related.get("htmx") else None,
                  http_status=status, form=form, obj=obj, kind=kind, latest=rev, locked=locked, related=related or {},
                  preview=preview, tag_fields=[(f"tag_{k}", label) for k, (label, _c) in TAG_CHOICES.items()])


def _related_refs(obj, base: dict) -> list[dict]:
    if "related" in base:
        return list(base["related"] or [])
    return [] if obj is None or services.is_staged(obj) else [dict(r) for r in obj.related_refs or []]


def _related_picker(session, obj, form: SupportForm, base: dict) -> dict:
    """Related measures as labelled checkboxes: those chosen, then those the search found. What was
    ticked comes from the submitted form (POST, or the htmx/no-JS GET that searched), else from `base`."""
    args = request.form if request.method == "POST" else request.args
    own = obj.id if obj is not None else None
    current = [s for _ref, s in resolve_related(session, _related_refs(obj, base)) if s is not None]
    if "related_shown" in args:
        chosen = [int(v) for v in args.getlist("related") if v.isdigit()]
    else:
        chosen = [s.id for s in current]
    q = (args.get("related_q") or "").strip()[:100]
    form.related_q.data = q
    picked = {s.id: s for s in current}
    missing = [i for i in chosen if i not in picked]
    if missing:
        picked.update({s.id: s for s in session.scalars(select(Support).where(Support.id.in_(missing)))})
    found = []
    if q:
        found = [s for s in session.scalars(select(Support).where(Support.title.contains(q, autoescape=True))
                                            .order_by(Support.title, Support.id).limit(20)) if s.id != own]
    shown = [picked[i] for i in chosen if i in picked] + [s for s in current if s.id not in chosen]
    shown += [s for s in found if s.id not in {x.id for x in shown}]
    form.related.choices = [(str(s.id), s.title) for s in shown if s.id != own]
    form.related.data = [str(i) for i in chosen if i in picked and i != own]
    return {"q": q, "found": found, "htmx": request.method == "GET" and "related_shown" in args,
            "chosen": [picked[i] for i in chosen if i in picked and i != own], "base": base, "obj": obj}


def _related_data(obj, picker: dict) -> list[dict]:
    """The refs to save: links that name no measure in the portal are kept, then the ticked measures."""
    session = get_session()
    external = [ref for ref, s in resolve_related(session, _related_refs(obj, picker["base"])) if s is None]
    return external + [{"title": s.title, "url": "", "source": s.source, "source_id": s.source_id}
                       for s in picker["chosen"]]


def _save(kind: str, obj, form, data: dict, problems: dict, preview_markup, latest=None, related=None):
    """Shared by both kinds: a preview, or a new revision; errors keep what was typed."""
    session = get_session()
    if form.csrf_token.errors:
        return _edit_page(kind, obj, form, status=400, rev=latest, related=related)
    if problems:
        attach(form, problems)
        return _edit_page(kind, obj, form, status=422, rev=latest, related=related)
    if request.form.get("action") == "preview":
        return _edit_page(kind, obj, form, preview=preview_markup, rev=latest, related=related)
    try:
        rev = services.save_draft(session, current_user, kind, obj, data, note=form.note.data or "",
                                  major=bool(form.major.data))
    except Conflict as error:
        session.rollback()
        flash(str(error), "error")
        return _edit_page(kind, obj, form, status=409, rev=latest, related=related)
    if request.form.get("then") == "submit":
        services.submit(session, current_user, kind, obj)
    session.commit()
    flash(f"「{obj.title}」の第{rev.number}版を下書きとして保存しました" + ("。確認に出しました。" if request.form.get("then") == "submit" else "。"),
          "success")
    return redirect_after_post(f"editorial.{kind}_history", **{f"{kind}_id": obj.id})


@bp.route("/supports/<int:support_id>/edit", methods=["GET", "POST"])
def support_edit(support_id: int):
    session = get_session()
    support = services.get_object(session, "support", support_id)
    form = SupportForm()
    latest, base = services.working(session, "support", support)
    if request.method != "POST":
        form.fill(base)
        return _edit_page("support", support, form, rev=latest, related=_related_picker(session, support, form, base))
    form.validate_on_submit()
    picker = _related_picker(session, support, form, base)
    data, problems = form.to_data(base)
    data["related"] = _related_data(support, picker)
    if request.form.get("action") == "related":  # the search without JavaScript: everything typed is kept
        return _edit_page("support", support, form, rev=latest, related=picker)
    return _save("support", support, form, data, problems, render_body(data["body"], data.get("body_format") or "markdown"),
                 latest, picker)


def _create(kind: str, obj_form, data: dict, problems: dict, preview_markup, related=None):
    """The first save of a brand-new measure or case: 第1版 as a draft, nothing public yet."""
    session = get_session()
    if obj_form.csrf_token.errors or problems or request.form.get("action") == "preview":
        attach(obj_form, problems)
        return _edit_page(kind, None, obj_form, preview=preview_markup if not problems else None, related=related,
                          status=400 if obj_form.csrf_token.errors else 422 if problems else 200)
    obj, rev = services.create_draft(session, current_user, kind, data, note=obj_form.note.data or "",
                                     major=bool(obj_form.major.data))
    submitted = request.form.get("then") == "submit"
    if submitted:
        services.submit(session, current_user, kind, obj)
    session.commit()
    flash(f"「{obj.title}」を新しく作り、第1版を下書きとして保存しました" + ("。確認に出しました。" if submitted else "。"
                                                                 "公開するまで一般の利用者には見えません。"), "success")
    return redirect_after_post(f"editorial.{kind}_history", **{f"{kind}_id": obj.id})


@bp.route("/supports/new", methods=["GET", "POST"])
def support_new():
    session = get_session()
    form = SupportForm()
    if request.method != "POST":
        return _edit_page("support", None, form, related=_related_picker(session, None, form, {}))
    form.validate_on_submit()
    picker = _related_picker(session, None, form, {})
    data, problems = form.to_data({"body_format": "markdown"})
    data["related"] = _related_data(None, picker)
    if request.form.get("action") == "related":
        return _edit_page("support", None, form, related=picker)
    return _create("support", form, data, problems, render_body(data["body"], "markdown"), picker)


@bp.route("/cases/new", methods=["GET", "POST"])
def case_new():
    session = get_session()
    form = CaseForm()
    form.supports.choices, known = _support_choices(session)
    if request.method != "POST":
        return _edit_page("case", None, form)
    form.validate_on_submit()
    data, problems = form.to_data({}, known)
    return _create("case", form, data, problems, None)


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
def case_edit(case_id: int):
    session = get_session()
    case = services.get_object(session, "case", case_id)
    form = CaseForm()
    form.supports.choices, known = _support_choices(session)
    latest, base = services.working(session, "case", case)
    if request.method != "POST":
        form.fill(base)
        return _edit_page("case", case, form, rev=latest)
    form.validate_on_submit()
    data, problems = form.to_data(base, known)
    return _save("case", case, form, data, problems, None, latest)


@bp.route("/articles/new", methods=["GET", "POST"])
def article_new():
    session = get_session()
    form = ArticleForm()
    form.supports.choices, known = _support_choices(session)
    if request.method != "POST":
        return _edit_page("article", None, form)
    form.validate_on_submit()
    data, problems = form.to_data({}, known)
    if form.csrf_token.errors or problems or request.form.get("action") == "preview":
        attach(form, problems)
        return _edit_page("article", None, form, preview=render_markdown(data["body"]),
                          status=400 if form.csrf_token.errors else 422 if problems else 200)
    article = Article(author_id=current_user.id, title=data["title"], category=data["category"], created_at=clock.now())
    session.add(article)
    session.flush()
    return _save("article", article, form, data, {}, None)


@bp.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
def article_edit(article_id: int):
    session = get_session()
    article = services.get_object(session, "article", article_id)
    form = ArticleForm()
    form.supports.choices, known = _support_choices(session)
    latest, base = services.working(session, "article", article)
    if request.method != "POST":
        form.fill(base)
        return _edit_page("article", article, form, rev=latest)
    form.validate_on_submit()
    data, problems = form.to_data(base, known)
    return _save("article", article, form, data, problems, render_markdown(data["body"]), latest)


def _history(kind: str, object_id: int):
    session = get_session()
    obj = services.get_object(session, kind, object_id)
    revisions = services.history(session, kind, object_id)
    return render("staff/history.html", kind=kind, obj=obj, revisions=revisions,
                  latest=revisions[0] if revisions else None, now_jst=clock.now_jst())


def _diff(kind: str, object_id: int):
    session = get_session()
    obj = services.get_object(session, kind, object_id)
    revisions = services.history(session, kind, object_id)
    if not revisions:
        flash("まだ履歴がありません。", "info")
        return redirect_after_post(f"editorial.{kind}_history", **{f"{kind}_id": object_id})
    new = services.revision_of(session, kind, object_id, request.args.get("b") or revisions[0].id)
    old_arg = request.args.get("a")
    if old_arg:
        old = services.revision_of(session, kind, object_id, old_arg)
        old_data, old_label = old.data, f"第{old.number}版"
    else:
        old_data, old_label = services.live_data(session, kind, obj), "公開中の内容"
    return render("staff/diff.html", kind=kind, obj=obj, changes=services.diff(old_data, new.data),
                  old_label=old_label, new_label=f"第{new.number}版", revisions=revisions)


def _action(kind: str, object_id: int, action: str):
    session = get_session()
    obj = services.get_object(session, kind, object_id)
    target = url_for(f"editorial.{kind}_history", **{f"{kind}_id": object_id})
    rev = None
    try:
        if action == "submit":
            services.submit(session, current_user, kind, obj)
            message = "確認に出しました。公開者の承認を待ちます。"
        elif action == "publish":
            rev = services.publish_now(session, current_user, kind, obj)
            message = "確認を省いて公開しました。"
        elif action == "revert":
            rev = services.revision_of(session, kind, object_id, request.form.get("revision"))
            new = services.revert(session, current_user, kind, obj, rev)
            message = f"第{rev.number}版の内容を第{new.number}版（下書き）として保存しました。"
        elif request.form.get("decision") == "return":
            services.send_back(session, current_user, kind, obj, request.form.get("comment") or "")
            message = "コメントをつけて差し戻しました。"
        else:
            publish_at = _parse_local(request.form.get("publish_at"))
            rev = services.approve(session, current_user, kind, obj, request.form.get("comment") or "", publish_at)
            message = ("承認しました。予約した日時に公開します。" if rev.state == "scheduled" else "承認して公開しました。")
    except Conflict as error:
        session.rollback()
        flash(str(error), "error")
        return redirect_after_post_url(target)
    session.commit()
    flash(message, "success")
    if rev is not None and rev.object_id != object_id:  # a new item's first publication: it has its real id now
        target = url_for(f"editorial.{kind}_history", **{f"{kind}_id": rev.object_id})
    return redirect_after_post_url(target)


def redirect_after_post_url(url: str):
    from flask import redirect

    return redirect(url, code=303)


def _register(kind: str) -> None:
    param = f"{kind}_id"
    base = f"/{kind}s/<int:{param}>"

    def history(**kw):
        return _history(kind, kw[param])

    def diff(**kw):
        return _diff(kind, kw[param])

    def make_action(action):
        def view(**kw):
            return _action(kind, kw[param], action)
        return view

    bp.add_url_rule(f"{base}/history", f"{kind}_history", history, methods=["GET"])
    bp.add_url_rule(f"{base}/diff", f"{kind}_diff", diff, methods=["GET"])
    for action in ("submit", "review", "publish", "revert"):
        bp.add_url_rule(f"{base}/{action}", f"{kind}_{action}", make_action(action), methods=["POST"])


_register("support")
_register("article")
_register("case")

__all__ = ["bp", "ArticleCategory"]
