"""The web app's settings pages: articles and thresholds, watched words, rule files, webhooks, models.

Watched words are for every moderator; the rest is for admins (checked on the server by ``page``). Every change
calls the feature's own use case, which validates and audits it as the API does.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from moderation.actors import moderator_actor
from moderation.admin.blueprint import bp
from moderation.admin.guard import current_admin, page
from moderation.admin.settings_schemas import (
    ArticleFormSchema,
    BacktestFormSchema,
    EndpointFormSchema,
    RemoveWordSchema,
    RuleTextSchema,
    SearchSchema,
    SurgeFormSchema,
    ThresholdFormSchema,
    WordFormSchema,
)
from moderation.admin.settings_service import (
    article_page,
    check_rule_text,
    list_articles,
    model_overview,
    web_backtest,
    webhook_overview,
)
from moderation.articles.service import end_surge, register_article, set_thresholds, start_surge
from moderation.auth import Role
from moderation.extensions import current_session
from moderation.state import current_settings, current_thresholds
from moderation.submission.runtime import current_runtime
from moderation.toxicity.runtime import current_scorer
from moderation.watchwords.runtime import current_cache
from moderation.watchwords.service import add_word, list_words, remove_word
from moderation.watchwords.wordlist import LANGUAGES, Category, Mode, WatchAction
from moderation.webhooks.models import EventType
from moderation.webhooks.service import Redelivery, create_endpoint, disable_endpoint, enable_endpoint, redeliver


def _me() -> str:
    return moderator_actor(current_admin().principal.name)


@bp.route("/articles", methods=["GET"])
@page(Role.ADMIN)
def articles() -> Any:
    search = SearchSchema().load(request.args)
    rows = list_articles(session=current_session(), text=search)
    return render_template("admin/articles.html", rows=rows, q=search or "", me=current_admin())


@bp.route("/articles/<article_id>", methods=["GET"])
@page(Role.ADMIN)
def article(article_id: str) -> Any:
    view = article_page(
        session=current_session(), article_id=article_id, base=current_thresholds(), settings=current_settings()
    )
    return render_template("admin/article.html", view=view, me=current_admin())


@bp.route("/articles/<article_id>", methods=["POST"])
@page(Role.ADMIN)
def article_update(article_id: str) -> Any:
    changed = ArticleFormSchema().load(request.form)
    register_article(session=current_session(), article_id=article_id, article_input=changed, actor=_me())
    return redirect(url_for("admin.article", article_id=article_id))


@bp.route("/articles/<article_id>/surge", methods=["POST"])
@page(Role.ADMIN)
def article_surge(article_id: str) -> Any:
    hours = SurgeFormSchema().load(request.form)["hours"]
    start_surge(session=current_session(), article_id=article_id, hours=hours, actor=_me())
    return redirect(url_for("admin.article", article_id=article_id))


@bp.route("/articles/<article_id>/surge/end", methods=["POST"])
@page(Role.ADMIN)
def article_surge_end(article_id: str) -> Any:
    end_surge(session=current_session(), article_id=article_id, actor=_me())
    return redirect(url_for("admin.article", article_id=article_id))


@bp.route("/articles/<article_id>/thresholds", methods=["POST"])
@page(Role.ADMIN)
def article_thresholds_update(article_id: str) -> Any:
    overrides = ThresholdFormSchema().load(request.form)
    set_thresholds(
        session=current_session(),
        article_id=article_id,
        thresholds=overrides,
        actor=_me(),
        base=current_thresholds(),
    )
    return redirect(url_for("admin.article", article_id=article_id))


@bp.route("/watchwords", methods=["GET"])
@page()
def watchwords() -> Any:
    language = request.args.get("language") if request.args.get("language") in LANGUAGES else None
    words = list_words(session=current_session(), cache=current_cache(), language=language)
    choices = {"actions": list(WatchAction), "categories": list(Category), "modes": list(Mode)}
    return render_template(
        "admin/watchwords.html", words=words, language=language, word_languages=LANGUAGES, me=current_admin(), **choices
    )


@bp.route("/watchwords", methods=["POST"])
@page()
def watchword_add() -> Any:
    word = WordFormSchema().load(request.form)
    add_word(session=current_session(), cache=current_cache(), word=word, actor=_me())
    return redirect(url_for("admin.watchwords", language=word.language))


@bp.route("/watchwords/remove", methods=["POST"])
@page()
def watchword_remove() -> Any:
    word = RemoveWordSchema().load(request.form)
    remove_word(session=current_session(), cache=current_cache(), actor=_me(), **word)
    return redirect(url_for("admin.watchwords", language=word["language"]))


@bp.route("/rules", methods=["GET"])
@page(Role.ADMIN)
def rules() -> Any:
    pipeline = current_runtime().pipeline
    shadow = pipeline.shadow_rules.current if pipeline.shadow_rules else None
    return render_template("admin/rules.html", ruleset=pipeline.rules.current, shadow=shadow, me=current_admin())


@bp.route("/rules/check", methods=["POST"])
@page(Role.ADMIN)
def rules_check() -> Any:
    result = check_rule_text(RuleTextSchema().load(request.form))
    pipeline = current_runtime().pipeline
    return render_template(
        "admin/rules.html", ruleset=pipeline.rules.current, shadow=None, check=result, me=current_admin()
    )


@bp.route("/rules/backtest", methods=["GET"])
@page(Role.ADMIN)
def rules_backtest() -> Any:
    since = BacktestFormSchema().load(request.args)
    pipeline = current_runtime().pipeline
    enforced = pipeline.rules.current
    candidate = pipeline.shadow_rules.current if pipeline.shadow_rules else enforced
    report = web_backtest(session=current_session(), enforced=enforced, candidate=candidate, since=since)
    return render_template(
        "admin/rules.html", ruleset=enforced, shadow=candidate, report=report, since=since, me=current_admin()
    )


@bp.route("/webhooks", methods=["GET"])
@page(Role.ADMIN)
def webhooks() -> Any:
    overview = webhook_overview(session=current_session())
    return render_template("admin/webhooks.html", overview=overview, events=list(EventType), me=current_admin())


@bp.route("/webhooks", methods=["POST"])
@page(Role.ADMIN)
def webhook_create() -> Any:
    endpoint_input = EndpointFormSchema().load(request.form)
    endpoint = create_endpoint(
        session=current_session(),
        endpoint_input=endpoint_input,
        actor=_me(),
        allowed_hosts=current_settings().webhook_allowed_hosts,
    )
    overview = webhook_overview(session=current_session())
    return render_template(
        "admin/webhooks.html", overview=overview, events=list(EventType), created=endpoint, me=current_admin()
    )


@bp.route("/webhooks/<int:endpoint_id>/disable", methods=["POST"])
@page(Role.ADMIN)
def webhook_disable(endpoint_id: int) -> Any:
    disable_endpoint(session=current_session(), endpoint_id=endpoint_id, actor=_me())
    return redirect(url_for("admin.webhooks"))


@bp.route("/webhooks/<int:endpoint_id>/enable", methods=["POST"])
@page(Role.ADMIN)
def webhook_enable(endpoint_id: int) -> Any:
    enable_endpoint(session=current_session(), endpoint_id=endpoint_id, actor=_me())
    return redirect(url_for("admin.webhooks"))


@bp.route("/webhooks/<int:endpoint_id>/redeliver", methods=["POST"])
@page(Role.ADMIN)
def webhook_redeliver(endpoint_id: int) -> Any:
    """Every failed delivery of the endpoint again, with its original webhook-id."""
    redelivery = Redelivery(failed=True)
    redeliver(session=current_session(), endpoint_id=endpoint_id, redelivery=redelivery, actor=_me())
    return redirect(url_for("admin.webhooks"))


@bp.route("/models", methods=["GET"])
@page(Role.ADMIN)
def models() -> Any:
    overview = model_overview(
        session=current_session(),
        settings=current_settings(),
        model_id=current_scorer().model_id,
        thresholds=current_thresholds(),
    )
    return render_template("admin/models.html", overview=overview, me=current_admin())
