"""``GET /healthz`` (the process is up), ``GET /readyz`` (it can serve: 200, else 503 naming what is missing) and
``GET /metrics`` (Prometheus, with ``Authorization: Bearer <KOMMENTARE_METRICS_TOKEN>``; 404 while no token is
set, so nothing is exposed by accident)."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, jsonify, request

from moderation import metrics
from moderation.extensions import current_session
from moderation.health.gauges import database_gauges
from moderation.health.service import readiness
from moderation.readers.service import bearer_token
from moderation.state import current_settings
from moderation.submission.runtime import current_runtime
from moderation.types import utcnow

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    state = readiness(session=current_session(), runtime=current_runtime())
    return jsonify(status="ready" if state.ready else "not ready", checks=state.checks), 200 if state.ready else 503


@bp.get("/metrics")
def prometheus_metrics() -> Response:
    expected = current_settings().metrics_token
    if not expected:
        abort(404)
    given = bearer_token(request.headers.get("Authorization")) or ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return Response("unauthorized\n", status=401, headers={"WWW-Authenticate": "Bearer"}, mimetype="text/plain")
    body = metrics.render(database_gauges(current_session(), utcnow()))
    current_session().rollback()  # end the reads
    return Response(body, mimetype="text/plain; version=0.0.4")
