"""``/admin``: the moderators' web app (server-rendered pages, a small script for keys and live updates): login,
the queue, campaigns, the audit log and the accounts. ``bp`` is defined in ``blueprint``."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, redirect, render_template, request, url_for
from marshmallow import EXCLUDE

from moderation.actors import moderator_actor
from moderation.admin import login as login_service
from moderation.admin import settings_views  # noqa: F401 (adds the settings pages to bp)
from moderation.admin.blueprint import bp as bp  # re-exported: app.py registers it from here
from moderation.admin.guard import SESSION_COOKIE, current_admin, page, session_policy, wants_json
from moderation.admin.schemas import (
    BulkDecisionSchema,
    CampaignFilterSchema,
    DecisionFormSchema,
    LoginSchema,
    QueueFilterSchema,
)
from moderation.admin.service import TABS, campaign_view, live_update, queue_view, tab_counts
from moderation.articles.service import end_surge
from moderation.audit.schemas import AuditQuerySchema
from moderation.audit.service import list_entries
from moderation.auth import Role
from moderation.campaigns.service import decide_campaign, list_campaigns
from moderation.extensions import current_session
from moderation.moderators.service import list_moderators
from moderation.queue import claims
from moderation.queue.service import decide, decide_many
from moderation.state import current_settings
from moderation.types import utcnow


def _cookie_secure() -> bool:
    settings = current_settings()
    return settings.admin_cookie_secure and settings.environment != "development"


@bp.route("/login", methods=["GET"])
def login() -> Any:
    token = login_service.new_login_token()
    response = Response(render_template("admin/login.html", csrf_token=token, next=request.args.get("next", "")))
    response.set_cookie(
        login_service.LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="Strict",
        secure=_cookie_secure(),
        path="/admin",
    )
    return response


@bp.route("/login", methods=["POST"])
def login_submit() -> Any:
    form = LoginSchema().load(request.form)
    try:
        cookie = login_service.log_in(
            session=current_session(),
            username=form.username,
            password=form.password,
            code=form.code,
            address=request.remote_addr or "unknown",
            csrf=(request.cookies.get(login_service.LOGIN_CSRF_COOKIE), request.form.get("csrf_token")),
            policy=session_policy(),
            limit=current_settings().ratelimit_admin_login,
        )
    except (login_service.LoginThrottled, login_service.LoginFailed) as refused:
        token = request.form.get("csrf_token", "")
        page_ = render_template("admin/login.html", error=refused.message_key, csrf_token=token, next=form.next_url)
        return page_, refused.status
    response = redirect(form.next_url)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="Strict",
        secure=_cookie_secure(),
        path="/admin",
        max_age=int(session_policy().absolute.total_seconds()),
    )
    response.delete_cookie(login_service.LOGIN_CSRF_COOKIE, path="/admin")
    return response


@bp.route("/logout", methods=["POST"])
@page()
def logout() -> Any:
    login_service.log_out(
        session=current_session(), cookie=request.cookies.get(SESSION_COOKIE), name=current_admin().principal.name
    )
    response = redirect(url_for("admin.login"))
    response.delete_cookie(SESSION_COOKIE, path="/admin")
    return response


@bp.route("/", methods=["GET"])
@page()
def queue() -> Any:
    query = QueueFilterSchema().load(request.args)
    view = queue_view(session=current_session(), query=query, now=utcnow())
    return render_template("admin/queue.html", view=view, tabs=TABS, me=current_admin(), filters=request.args)


@bp.route("/surges/<article_id>/end", methods=["POST"])
@page()
def surge_end(article_id: str) -> Any:
    """Any moderator ends a story's surge from the queue (admins also on the article's page)."""
    end_surge(session=current_session(), article_id=article_id, actor=moderator_actor(current_admin().principal.name))
    return redirect(url_for("admin.queue"))


@bp.route("/counts", methods=["GET"])
@page()
def counts() -> Any:
    return jsonify({state.value: count for state, count in tab_counts(current_session()).items()})


@bp.route("/live", methods=["GET"])
@page()
def live() -> Any:
    """What changed since the page was drawn: counts, who claims what, and the new items ready to insert."""
    query = QueueFilterSchema().load(request.args)
    update = live_update(session=current_session(), query=query, now=utcnow())
    items = render_template("admin/_items.html", view=update.view, me=current_admin())
    return jsonify(
        {
            "counts": {state.value: n for state, n in update.view.counts.items()},
            "claims": {str(comment_id): name for comment_id, name in update.claims.items()},
            "new": [item.comment.id for item in update.view.page.items],
            "html": items,
        }
    )


@bp.route("/comments/<int:comment_id>/claim", methods=["POST"])
@page()
def claim(comment_id: int) -> Any:
    taken = claims.claim(
        session=current_session(), comment_id=comment_id, moderator_name=current_admin().principal.name, now=utcnow()
    )
    return jsonify({"id": taken.comment_id, "claimed_by": taken.moderator, "until": taken.until.isoformat()})


@bp.route("/comments/<int:comment_id>/release", methods=["POST"])
@page()
def release(comment_id: int) -> Any:
    claims.release(session=current_session(), comment_id=comment_id, moderator_name=current_admin().principal.name)
    return jsonify({"id": comment_id, "claimed_by": None})


@bp.route("/bulk", methods=["POST"])
@page()
def bulk() -> Any:
    chosen = BulkDecisionSchema().load(request.form)
    decided = decide_many(
        session=current_session(),
        comment_ids=chosen.comment_ids,
        decision=chosen.decision,
        moderator_name=current_admin().principal.name,
    )
    if wants_json():
        return jsonify({"items": [{"id": c.id, "status": c.status.value} for c in decided]})
    return redirect(request.form.get("back") or url_for("admin.queue"))


@bp.route("/campaigns", methods=["GET"])
@page()
def campaigns() -> Any:
    query = CampaignFilterSchema().load(request.args)
    found = list_campaigns(session=current_session(), query=query)
    return render_template("admin/campaigns.html", page_=found, me=current_admin(), filters=request.args)


@bp.route("/campaigns/<int:campaign_id>", methods=["GET"])
@page()
def campaign(campaign_id: int) -> Any:
    view = campaign_view(session=current_session(), campaign_id=campaign_id)
    return render_template("admin/campaign.html", view=view, me=current_admin())


@bp.route("/campaigns/<int:campaign_id>/decision", methods=["POST"])
@page()
def campaign_decision(campaign_id: int) -> Any:
    choice = DecisionFormSchema().load(request.form)
    detail = decide_campaign(
        session=current_session(),
        campaign_id=campaign_id,
        decision=choice,
        moderator_name=current_admin().principal.name,
    )
    if wants_json():
        return jsonify({"id": detail.campaign.id, "status": detail.campaign.status.value})
    return redirect(url_for("admin.campaign", campaign_id=campaign_id))


@bp.route("/comments/<int:comment_id>/decision", methods=["POST"])
@page()
def decision(comment_id: int) -> Any:
    choice = DecisionFormSchema().load(request.form)
    comment = decide(
        session=current_session(), comment_id=comment_id, decision=choice, moderator_name=current_admin().principal.name
    )
    if wants_json():
        return jsonify({"id": comment.id, "status": comment.status.value})
    return redirect(request.form.get("back") or url_for("admin.queue"))


@bp.route("/audit", methods=["GET"])
@page()
def audit() -> Any:
    query = AuditQuerySchema(unknown=EXCLUDE).load(request.args)
    entries = list_entries(session=current_session(), query=query)
    return render_template("admin/audit.html", entries=entries, query=query, me=current_admin())


@bp.route("/moderators", methods=["GET"])
@page(Role.ADMIN)
def moderators() -> Any:
    return render_template(
        "admin/moderators.html", accounts=list_moderators(session=current_session()), me=current_admin()
    )
