"""DSA transparency figures from the audit log: decisions by outcome and reason, automated apart from human."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient, FlaskCliRunner

from tests.factories import auth
from tests.helpers import post_comment


def decide(client: FlaskClient, token: str, comment_id: int, action: str, reason: str) -> None:
    response = client.post(
        f"/api/v1/moderation/comments/{comment_id}/decision",
        json={"action": action, "reason": reason},
        headers=auth(token),
    )
    assert response.status_code == 200


def test_the_report_counts_automated_and_human_decisions(
    client: FlaskClient, runner: FlaskCliRunner, token: str
) -> None:
    post_comment(client)
    held = post_comment(client, "Das ist dumm.", author="B").json
    post_comment(client, "Du Giftzwerg.", author="C")
    published = post_comment(client, "Noch ein Beitrag.", author="D").json
    decide(client, token, held["id"], "reject", "insult")
    client.post(f"/api/v1/comments/{published['id']}/reports", json={"reason": "spam"})
    result = runner.invoke(args=["privacy", "transparency", "--since", "1d", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    automated = {(r["outcome"], r["reason"]): r["count"] for r in report["automated"] if r["stage"] == "submitted"}
    assert automated == {("published", "none"): 2, ("pending", "toxicity"): 1, ("rejected", "toxicity"): 1}
    assert report["human"] == [{"decision": "rejected", "reason": "insult", "count": 1}]
    assert report["reports"] == {"reports": 1}
    assert report["totals"] == {"automated": 4, "human": 1}
    table = runner.invoke(args=["privacy", "transparency", "--since", "1d"])
    assert "automated: 4, by moderators: 1" in table.output


def test_a_period_without_decisions_and_a_bad_date(runner: FlaskCliRunner, session: Any) -> None:
    empty = json.loads(
        runner.invoke(
            args=["privacy", "transparency", "--since", "2020-01-01", "--until", "2020-02-01", "--json"]
        ).output
    )
    assert empty["totals"] == {"automated": 0, "human": 0}
    bad = runner.invoke(args=["privacy", "transparency", "--since", "letzte Woche"])
    assert bad.exit_code != 0 and "expected e.g. 30d" in bad.output
