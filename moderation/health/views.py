"""``GET /healthz`` (the process is up) and ``GET /readyz`` (it can serve: 200, else 503 naming what is missing)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from moderation.extensions import current_session
from moderation.health.service import readiness
from moderation.submission.runtime import current_runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    state = readiness(session=current_session(), runtime=current_runtime())
    return jsonify(status="ready" if state.ready else "not ready", checks=state.checks), 200 if state.ready else 503
