"""Property-based run of the whole API against the live app over real HTTP (issue 11): schemathesis generates
requests from the OpenAPI document, valid and invalid, and every answer must be a documented status with the
documented content type, headers and schema, never a 5xx, and invalid input must be refused. The run is bounded
(``MAX_EXAMPLES`` per operation) and seeded, so CI runs the same cases each time. The database holds a comment, a
campaign and a webhook endpoint, and path ids are drawn from them most of the time, so the cases reach the
operations' logic instead of stopping at 404."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.campaigns.helpers import TEMPLATE, comment_id, post
from tests.factories import ARTICLE_ID, auth
from tests.helpers import serving

MAX_EXAMPLES = 20
SEED = 20261201
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"webhook_allowed_hosts": ("127.0.0.1",)}


@pytest.fixture
def known_ids(client: FlaskClient, session: Any, token: str) -> dict[str, list[Any]]:
    """Real rows for the path parameters: a campaign of three accounts' copies, and a webhook endpoint."""
    from moderation.comments.models import Comment

    comments = [comment_id(post(client, name, TEMPLATE)) for name in "ABC"]
    campaign = session.get(Comment, comments[-1]).campaign_id
    hook = {"url": "http://127.0.0.1:9/hooks", "event_types": ["comment.created"]}
    endpoint = client.post("/api/v1/moderation/webhooks", json=hook, headers=auth(token)).json["id"]
    return {"article_id": [ARTICLE_ID], "comment_id": comments, "campaign_id": [campaign], "endpoint_id": [endpoint]}


@pytest.fixture
def live_api(app: Flask) -> Iterator[str]:
    with serving(app, "schemathesis-target") as url:
        yield url


def config_file(directory: Path, known_ids: dict[str, list[Any]]) -> Path:
    """``schemathesis.toml``: each known id list a dictionary, drawn for its path parameter 4 times in 5."""
    lines = [f"[dictionaries.{name}]\nvalues = {json.dumps(values)}\n" for name, values in known_ids.items()]
    lines.append("[parameters]")
    lines += [f'"path.{name}" = {{ dictionary = "{name}", probability = 0.8 }}' for name in known_ids]
    path = directory / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.slow
def test_every_operation_answers_as_documented(
    live_api: str, token: str, known_ids: dict[str, list[Any]], tmp_path: Path
) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        f"--config-file={config_file(tmp_path, known_ids)}",
        "run",
        f"{live_api}/api/openapi.json",
        f"--checks={','.join(CHECKS)}",
        f"--max-examples={MAX_EXAMPLES}",
        f"--seed={SEED}",
        "--generation-database=none",
        "--workers=1",
        "--no-color",
        f"--header=Authorization: Bearer {token}",
        f"--report-dir={tmp_path}",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    print(run.stdout)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
