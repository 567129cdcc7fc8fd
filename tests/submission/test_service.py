"""The submission use cases called directly: a real database and the real pipeline, no HTTP.

The fast tier for what happens when a comment is submitted or re-scored; the HTTP tests check how each outcome
is answered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from moderation.audit.models import AuditAction, AuditEntry
from moderation.comments.models import Comment, CommentStatus
from moderation.submission.rescore import rescore_held
from moderation.submission.runtime import SubmissionRuntime, current_runtime
from moderation.submission.service import Outcome, SubmissionInput, submit
from moderation.verdicts import ReasonCode
from moderation.webhooks.models import OutboxEvent
from tests.factories import ARTICLE_ID, make_article
from tests.fakes import FailingScorer, KeywordScorer


@pytest.fixture
def runtime(app: Flask, session: Any) -> Iterator[SubmissionRuntime]:
    make_article(session)
    yield current_runtime()


def count(session: Any, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)))


def run(session: Any, runtime: SubmissionRuntime, body: str, **fields: Any) -> Any:
    submission = SubmissionInput(author_name=fields.pop("author_name", "Anna"), body=body, **fields)
    return submit(session=session, runtime=runtime, article_id=ARTICLE_ID, submission=submission)


@pytest.mark.parametrize(
    ("body", "outcome", "status"),
    [
        ("Danke für den gründlichen Bericht.", Outcome.PUBLISHED, CommentStatus.PUBLISHED),
        ("Das ist ziemlich dumm argumentiert.", Outcome.HELD, CommentStatus.PENDING),
        ("Du Giftzwerg hast keine Ahnung.", Outcome.REJECTED, CommentStatus.REJECTED),
    ],
)
@pytest.mark.usefixtures("subscriber")
def test_each_outcome_is_stored_with_its_decision_audit_entry_and_events(
    session: Any, runtime: SubmissionRuntime, body: str, outcome: Outcome, status: CommentStatus
) -> None:
    result = run(session, runtime, body)
    assert result.outcome is outcome
    stored = session.get(Comment, result.comment.id)
    assert (stored.status, result.comment.status, stored.model_id) == (status, status, KeywordScorer.model_id)
    [entry] = session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.comment_id) == (AuditAction.COMMENT_CREATED, stored.id)
    assert count(session, OutboxEvent) == 2


def test_the_answer_is_a_snapshot_that_needs_no_session(session: Any, runtime: SubmissionRuntime) -> None:
    result = run(session, runtime, "Danke für den gründlichen Bericht.")
    session.close()  # a reload after the commit would fail now
    assert (result.comment.body, result.comment.reasons) == ("Danke für den gründlichen Bericht.", [])


def test_nudge_policy_answers_a_nudge_and_stores_nothing(session: Any, runtime: SubmissionRuntime) -> None:
    nudging = dataclasses.replace(runtime, policy=dataclasses.replace(runtime.policy, nudge_enabled=True))
    result = run(session, nudging, "Guter Punkt. Aber du Giftzwerg verstehst es nicht.")
    assert result.outcome is Outcome.NUDGED and result.comment is None
    assert result.nudge.sentence == "Aber du Giftzwerg verstehst es nicht."
    assert (count(session, Comment), count(session, AuditEntry), count(session, OutboxEvent)) == (0, 0, 0)
    acknowledged = run(session, nudging, "Guter Punkt. Aber du Giftzwerg verstehst es nicht.", nudge_acknowledged=True)
    assert acknowledged.outcome is Outcome.REJECTED


def test_a_failing_campaign_stage_holds_the_comment_and_keeps_it_whole(
    session: Any, runtime: SubmissionRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: Any) -> Any:
        raise RuntimeError("index unreadable")

    monkeypatch.setattr("moderation.campaigns.indexing.screen", broken)
    result = run(session, runtime, "Danke für den gründlichen Bericht.")
    assert result.outcome is Outcome.HELD
    assert [reason["code"] for reason in result.comment.reasons] == [ReasonCode.CAMPAIGN_UNAVAILABLE]
    stored = session.get(Comment, result.comment.id)
    assert (stored.status, stored.needs_rescore) == (CommentStatus.PENDING, False)
    assert count(session, AuditEntry) == 1


@pytest.mark.usefixtures("subscriber")
def test_rescore_applies_the_verdict_once_the_model_is_back(app: Flask, session: Any) -> None:
    make_article(session)
    runtime = current_runtime()
    failing = dataclasses.replace(runtime, pipeline=_pipeline_with(runtime, FailingScorer()))
    held = run(session, failing, "Du Giftzwerg hast keine Ahnung.")
    assert (held.outcome, session.get(Comment, held.comment.id).needs_rescore) == (Outcome.HELD, True)
    assert rescore_held(session=session, runtime=failing).waiting is True
    working = dataclasses.replace(runtime, pipeline=_pipeline_with(runtime, KeywordScorer()))
    round_ = rescore_held(session=session, runtime=working)
    assert (round_.rescored, round_.changed, round_.waiting) == (1, 1, False)
    assert session.get(Comment, held.comment.id).status is CommentStatus.REJECTED


def _pipeline_with(runtime: SubmissionRuntime, scorer: Any) -> Any:
    from moderation.submission.pipeline import ModerationPipeline

    return ModerationPipeline(scorer=scorer, ruleset=runtime.pipeline.ruleset, timeout_seconds=2.0)
