"""Moderator-facing shapes: everything the pipeline decided with, so every decision explains itself."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, fields, post_load, validate

from moderation.comments.models import CommentStatus
from moderation.comments.schemas import ReasonSchema
from moderation.http import Text
from moderation.language import Language
from moderation.pagination import PageQuerySchema, legacy_id_cursor, legacy_id_field
from moderation.queue.service import Decision, DecisionAction, QueueQuery, QueueState, ReasonFilter, queue_order
from moderation.reports.models import ReportReason, ReportResolution


class RuleHitSchema(Schema):
    rule_id = fields.String()
    action = fields.String()
    start = fields.Integer(metadata={"description": "Offset into the comment body as submitted."})
    end = fields.Integer()
    match = fields.String()
    weight = fields.Float()
    note = fields.String()
    raw_weight = fields.Float(metadata={"description": "Narrative hits: the weight before a context damper."})
    damper = fields.String(metadata={"description": "Narrative hits: which damper applied (quoted, debunk:...)."})


class ModeratorCommentSchema(Schema):
    id = fields.Integer()
    article_id = fields.String()
    parent_id = fields.Integer(allow_none=True)
    author_name = fields.String()
    email = fields.String(allow_none=True)
    body = fields.String()
    status = fields.Enum(CommentStatus, by_value=True)
    reasons = fields.List(fields.Nested(ReasonSchema))
    toxicity_scores = fields.Dict(keys=fields.String(), values=fields.Float(), allow_none=True)
    rule_hits = fields.List(fields.Nested(RuleHitSchema))
    model_id = fields.String(allow_none=True)
    ruleset_version = fields.String(allow_none=True)
    wordlist_version = fields.String(allow_none=True)
    thresholds = fields.Dict(allow_none=True)
    open_reports = fields.Integer()
    report_weight = fields.Float(metadata={"description": "The open reports' weights summed."})
    flagged = fields.Boolean(metadata={"description": "Published with a flag; cleared by a moderator's decision."})
    language = fields.String(allow_none=True, metadata={"description": "Guessed: de, en, ru, uk or und."})
    created_at = fields.DateTime()
    moderated_at = fields.DateTime(allow_none=True)
    moderated_by = fields.String(allow_none=True)
    appealed_at = fields.DateTime(allow_none=True, metadata={"description": "The author appealed a rejection."})
    appeal_note = fields.String(allow_none=True)
    appeal_excluded = fields.String(allow_none=True, metadata={"description": "Who may not decide the appeal."})


class ReportDetailSchema(Schema):
    id = fields.Integer()
    reason = fields.Enum(ReportReason, by_value=True)
    text = fields.String(allow_none=True)
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolution = fields.Enum(ReportResolution, by_value=True, allow_none=True)
    weight = fields.Float(metadata={"description": "The reporter's accuracy when they reported (new: 1.0)."})


class QueueItemSchema(Schema):
    comment = fields.Nested(ModeratorCommentSchema)
    reports = fields.List(fields.Nested(ReportDetailSchema))


class QueuePageSchema(Schema):
    items = fields.List(fields.Nested(QueueItemSchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "Pass as 'cursor' for the next page."})


class QueueQuerySchema(PageQuerySchema):
    state = fields.Enum(QueueState, by_value=True, load_default=QueueState.PENDING)
    article_id = fields.String(load_default=None, validate=validate.Length(max=128))
    reason = fields.Enum(ReasonFilter, by_value=True, load_default=None)
    language = fields.Enum(Language, by_value=True, load_default=None)
    since = fields.AwareDateTime(load_default=None, default_timezone=UTC)
    until = fields.AwareDateTime(load_default=None, default_timezone=UTC, metadata={"description": "Exclusive."})
    q = Text(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Case-insensitive substring of the body or the author's name."},
    )
    after = legacy_id_field()

    @post_load
    def _to_query(self, data: dict[str, Any], **_: Any) -> QueueQuery:
        state = data["state"]
        cursor = data["cursor"] or legacy_id_cursor(queue_order(state).tag, data["after"] or None)
        return QueueQuery(
            state=state,
            article_id=data["article_id"],
            cursor=cursor,
            limit=data["limit"],
            reason=data["reason"],
            language=data["language"],
            since=data["since"],
            until=data["until"],
            text=data["q"],
        )


class DecisionSchema(Schema):
    action = fields.Enum(DecisionAction, by_value=True, required=True)
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))

    @post_load
    def _to_decision(self, data: dict[str, Any], **_: Any) -> Decision:
        return Decision(**data)
