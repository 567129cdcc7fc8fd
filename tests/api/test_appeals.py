"""Statements of reasons and appeals (DSA Art. 17 and 20): the author learns what was decided, why, and whether a
person decided; an appeal puts a rejection back in the queue, for another moderator than the one who rejected."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from moderation.auth import Role
from moderation.state import current_settings
from moderation.submission.credentials import edit_token
from tests.factories import auth, make_moderator
from tests.helpers import post_comment


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def rejected_by_the_model(client: FlaskClient) -> Any:
    response = post_comment(client, "Du Giftzwerg.")
    assert response.status_code == 422
    return response.json["comment_id"]


def edit_token_of(client: FlaskClient, body: str = "Ein sachlicher Beitrag.") -> tuple[int, str]:
    posted = post_comment(client, body).json
    return posted["id"], posted["edit_token"]


def test_the_author_reads_why_their_comment_was_published(client: FlaskClient, token: str) -> None:
    comment_id, edit = edit_token_of(client)
    statement = client.get(f"/api/v1/comments/{comment_id}/statement", headers=bearer(edit))
    assert statement.status_code == 200
    assert statement.json["automated"] is True and statement.json["status"] == "published"
    assert statement.json["appeal_possible"] is False
    _, other = edit_token_of(client, "Ein anderer Beitrag.")
    assert client.get(f"/api/v1/comments/{comment_id}/statement", headers=bearer(other)).status_code == 403
    assert client.get(f"/api/v1/comments/{comment_id}/statement").status_code == 403


def decide(client: FlaskClient, token: str, comment_id: int, action: str) -> Any:
    return client.post(
        f"/api/v1/moderation/comments/{comment_id}/decision",
        json={"action": action, "reason": "insult"},
        headers=auth(token),
    )


def test_an_appeal_goes_to_another_moderator(client: FlaskClient, session: Any, token: str) -> None:
    comment_id, edit = edit_token_of(client)
    assert decide(client, token, comment_id, "reject").status_code == 200  # "mod" rejects it
    statement = client.get(f"/api/v1/comments/{comment_id}/statement", headers=bearer(edit)).json
    assert statement["automated"] is False and statement["appeal_possible"] is True
    assert "Moderation" in statement["category"] and "/appeal" in statement["appeal_how"]
    note = {"note": "Das war Satire."}
    appealed = client.post(f"/api/v1/comments/{comment_id}/appeal", json=note, headers=bearer(edit))
    assert appealed.status_code == 200 and appealed.json["status"] == "pending" and appealed.json["appealed_at"]
    queue = client.get("/api/v1/moderation/queue?state=pending", headers=auth(token)).json["items"]
    [item] = [i for i in queue if i["comment"]["id"] == comment_id]
    assert item["comment"]["reasons"][0]["code"] == "appealed" and item["comment"]["appeal_note"] == "Das war Satire."
    assert item["comment"]["appeal_excluded"] == "mod"
    page = admin_page(client, session)
    assert "Einspruch der Autorin/des Autors" in page and "Das war Satire." in page
    same = decide(client, token, comment_id, "approve")
    assert same.status_code == 403 and same.json["type"].endswith("appeal-needs-another-moderator")
    other = make_moderator(session, "zweite", Role.MODERATOR)
    assert decide(client, other, comment_id, "approve").json["status"] == "published"
    again = client.post(f"/api/v1/comments/{comment_id}/appeal", json={}, headers=bearer(edit))
    assert again.status_code == 409


def test_an_automated_rejection_is_appealed_to_any_moderator(client: FlaskClient, session: Any, token: str) -> None:
    comment_id = rejected_by_the_model(client)
    edit = edit_token(current_settings().secret_key, comment_id)  # the 422 answer carries no edit token
    statement = client.get(f"/api/v1/comments/{comment_id}/statement", headers=bearer(edit)).json
    assert statement["automated"] is True and statement["grounds"][0]["code"] == "toxicity"
    assert statement["grounds"][0]["label_name"] in {"toxische Sprache", "Beleidigung"}
    assert client.post(f"/api/v1/comments/{comment_id}/appeal", json={}, headers=bearer(edit)).status_code == 200
    assert decide(client, token, comment_id, "reject").status_code == 200


def test_only_rejections_can_be_appealed(client: FlaskClient, token: str) -> None:
    comment_id, edit = edit_token_of(client)
    refused = client.post(f"/api/v1/comments/{comment_id}/appeal", json={}, headers=bearer(edit))
    assert refused.status_code == 409 and refused.json["type"].endswith("not-appealable")


def admin_page(client: FlaskClient, session: Any) -> str:
    """The queue as a moderator sees it in the web app."""
    from tests.admin.helpers import log_in, make_person

    make_person(session, "petra", Role.MODERATOR)
    log_in(client, "petra")
    return client.get("/admin/?state=pending").get_data(as_text=True)
