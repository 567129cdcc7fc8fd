"""The model's worst sentence becomes a highlighted span: found within the deadline, never deciding anything."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from flask.testing import FlaskClient

from moderation.comments.models import Comment
from moderation.submission.worst import model_hit
from moderation.verdicts import Action, Reason, ReasonCode
from tests.admin.helpers import log_in, make_person
from tests.fakes import KeywordScorer
from tests.helpers import post_comment

BODY = "Ein guter Artikel über das Lazarett. Aber du Giftzwerg hast keine Ahnung! Danke trotzdem."
REJECT = (Action.REJECT, Reason(ReasonCode.TOXICITY, "m", label="toxicity", score=0.98))
HOLD = (Action.HOLD, Reason(ReasonCode.TOXICITY, "m", label="insult", score=0.97))


def score_all(texts: Sequence[str], timeout: float) -> list[dict[str, float]]:
    return KeywordScorer().score(texts)


def test_the_worst_sentence_of_the_strongest_finding_is_the_span() -> None:
    hit = model_hit(BODY, [HOLD, REJECT], score_all, timeout=1.0)
    assert hit is not None
    assert BODY[hit.start : hit.end] == "Aber du Giftzwerg hast keine Ahnung!" == hit.match
    assert (hit.rule_id, hit.action, hit.weight) == ("model.toxicity", Action.REJECT, 0.98)


def test_a_one_sentence_comment_needs_no_second_model_call() -> None:
    calls: list[int] = []

    def counting(texts: Sequence[str], timeout: float) -> list[dict[str, float]]:
        calls.append(len(texts))
        return score_all(texts, timeout)

    hit = model_hit("  Du Giftzwerg!  ", [REJECT], counting, timeout=1.0)
    assert hit is not None and (hit.start, hit.end, hit.weight) == (2, 15, 0.98)
    assert calls == []


@pytest.mark.parametrize(
    ("findings", "timeout"),
    [
        ([], 1.0),  # the model asked for nothing
        ([(Action.HOLD, Reason(ReasonCode.RULE, "m", rule_id="link.hold.telegram"))], 1.0),  # a rule, not the model
        ([(Action.HOLD, Reason(ReasonCode.MODEL_TIMEOUT, "m"))], 1.0),  # no scores at all
        ([REJECT], 0.01),  # no time left: the reader is waiting
    ],
)
def test_no_span_without_a_model_finding_or_time(findings: list[tuple[Action, Reason]], timeout: float) -> None:
    assert model_hit(BODY, findings, score_all, timeout=timeout) is None


def test_a_failing_sentence_score_leaves_the_verdict_without_a_span() -> None:
    def failing(texts: Sequence[str], timeout: float) -> list[dict[str, float]]:
        raise TimeoutError

    assert model_hit(BODY, [REJECT], failing, timeout=1.0) is None


def test_a_stored_comment_carries_the_span_and_the_queue_highlights_it(
    client: FlaskClient, session: Any, token: str
) -> None:
    response = post_comment(client, BODY)
    assert response.status_code == 422
    stored = session.get(Comment, response.json["comment_id"])
    [hit] = [h for h in stored.rule_hits if h["rule_id"].startswith("model.")]
    assert BODY[hit["start"] : hit["end"]] == "Aber du Giftzwerg hast keine Ahnung!"
    assert stored.status.value == "rejected" and {r["code"] for r in stored.reasons} == {"toxicity"}
    make_person(session)
    log_in(client, "petra")
    page = client.get("/admin/?state=rejected").get_data(as_text=True)
    assert '<mark class="hit" data-rule-ids="model.toxicity "' in page
    assert ">Aber du Giftzwerg hast keine Ahnung!</mark>" in page
