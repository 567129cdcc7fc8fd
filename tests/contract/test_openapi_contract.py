"""The OpenAPI document matches what the server does (issue 11, finding 14): real responses of the main paths are
validated against the schema the document declares for their status and content type."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from flask.testing import FlaskClient

from tests.factories import ARTICLE_ID, auth, make_article, make_comment
from tests.helpers import comments_url, post_comment


def _resolve(node: Any, spec: dict[str, Any], seen: frozenset[str] = frozenset()) -> Any:
    """Inline ``$ref``s and turn OpenAPI 3.0 ``nullable`` into JSON Schema, so ``jsonschema`` can check (a schema
    that contains itself, the thread tree's replies, is checked to its first repetition)."""
    if isinstance(node, dict):
        if "$ref" in node:
            if node["$ref"] in seen:
                return {}
            target: Any = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return _resolve(copy.deepcopy(target), spec, seen | {node["$ref"]})
        resolved = {key: _resolve(value, spec, seen) for key, value in node.items()}
        if resolved.pop("nullable", False) and "type" in resolved:
            resolved["type"] = [resolved["type"], "null"]
        return resolved
    if isinstance(node, list):
        return [_resolve(item, spec, seen) for item in node]
    return node


def check(spec: dict[str, Any], path: str, method: str, response: Any) -> None:
    operation = spec["paths"][path][method]
    documented = operation["responses"].get(str(response.status_code)) or operation["responses"].get("default")
    assert documented is not None, f"{method.upper()} {path}: {response.status_code} is not documented"
    documented = _resolve(documented, spec)
    assert response.mimetype in documented.get("content", {}), (response.mimetype, documented.get("content"))
    schema = documented["content"][response.mimetype].get("schema")
    if schema:
        jsonschema.validate(response.json, schema)


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    return dict(client.get("/api/openapi.json").json)


POST = "/api/v1/articles/{article_id}/comments"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("Danke für den gründlichen Bericht.", 201),
        ("Das ist ziemlich dumm argumentiert.", 202),
        ("Du Giftzwerg hast keine Ahnung.", 422),
    ],
)
def test_the_reader_path_matches_the_document(
    client: FlaskClient, session: Any, spec: dict[str, Any], body: str, status: int
) -> None:
    make_article(session)
    response = post_comment(client, body)
    assert response.status_code == status
    check(spec, POST, "post", response)


def test_errors_match_the_document(client: FlaskClient, session: Any, spec: dict[str, Any], token: str) -> None:
    check(spec, POST, "post", post_comment(client, "", author=""))  # 400 with field errors
    check(spec, POST, "post", client.post(comments_url(), data="x", content_type="text/plain"))  # 415
    check(spec, POST, "post", post_comment(client, article_id="gibt-es-nicht"))  # 404
    check(spec, "/api/v1/moderation/queue", "get", client.get("/api/v1/moderation/queue"))  # 401
    comment = make_comment(session)
    url = "/api/v1/moderation/comments/{comment_id}/decision"
    decided = client.post(
        f"/api/v1/moderation/comments/{comment.id}/decision",
        json={"action": "approve", "reason": "ok"},
        headers=auth(token),
    )
    check(spec, url, "post", decided)
    check(spec, "/api/v1/moderation/queue", "get", client.get("/api/v1/moderation/queue", headers=auth(token)))
    check(spec, "/api/v1/articles/{article_id}/comments", "get", client.get(comments_url(ARTICLE_ID)))


@pytest.mark.parametrize("settings_overrides", [{"ratelimit_enabled": True, "ratelimit_post_comment": "1/minute"}])
def test_a_429_matches_the_document(client: FlaskClient, session: Any, spec: dict[str, Any]) -> None:
    make_article(session)
    post_comment(client)
    check(spec, POST, "post", post_comment(client, "Noch einer."))


@pytest.mark.parametrize("value", [0, 1, "yes", "true", "on"])
def test_booleans_are_json_booleans_only(client: FlaskClient, token: str, value: Any) -> None:
    """The document says ``boolean``: a 1 or "yes" is refused, not read as true (found by the schemathesis run)."""
    response = post_comment(client, "Ein sachlicher Kommentar.", nudge_acknowledged=value)
    assert (response.status_code, list(response.json["errors"])) == (400, ["nudge_acknowledged"])
    update = {"url": "https://zeitung.example/a", "title": "Titel", "comments_open": value}
    response = client.put(f"/api/v1/articles/{ARTICLE_ID}", json=update, headers=auth(token))
    assert (response.status_code, list(response.json["errors"])) == (400, ["comments_open"])
