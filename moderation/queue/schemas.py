"""Moderator-facing shapes: everything the pipeline decided with, so every decision explains itself."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from moderation.comments.models import CommentStatus
from moderation.comments.schemas import ReasonSchema
from moderation.http import MAX_ID, Text
from moderation.queue.service import DecisionAction, QueueState
from moderation.reports.models import ReportReason


class RuleHitSchema(Schema):
    rule_id = fields.String()
    action = fields.String()
    start = fields.Integer(metadata={"description": "Offset into the comment body as submitted."})
    end = fields.Integer()
    match = fields.String()
    weight = fields.Float()
    note = fields.String()


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
    thresholds = fields.Dict(allow_none=True)
    open_reports = fields.Integer()
    created_at = fields.DateTime()
    moderated_at = fields.DateTime(allow_none=True)
    moderated_by = fields.String(allow_none=True)


class ReportDetailSchema(Schema):
    id = fields.Integer()
    reason = fields.Enum(ReportReason, by_value=True)
    text = fields.String(allow_none=True)
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolution = fields.String(allow_none=True)


class QueueItemSchema(Schema):
    comment = fields.Nested(ModeratorCommentSchema)
    reports = fields.List(fields.Nested(ReportDetailSchema))


class QueuePageSchema(Schema):
    items = fields.List(fields.Nested(QueueItemSchema))
    next_cursor = fields.Integer(allow_none=True, metadata={"description": "Pass as 'after' for the next page."})


class QueueQuerySchema(Schema):
    state = fields.Enum(QueueState, by_value=True, load_default=QueueState.PENDING)
    article_id = fields.String(load_default=None, validate=validate.Length(max=128))
    after = fields.Integer(load_default=None, validate=validate.Range(min=0, max=MAX_ID))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class DecisionSchema(Schema):
    action = fields.Enum(DecisionAction, by_value=True, required=True)
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))


class AuditQuerySchema(Schema):
    comment_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    article_id = fields.String(load_default=None, validate=validate.Length(max=128))
    before = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    comment_id = fields.Integer(allow_none=True)
    article_id = fields.String(allow_none=True)
    details = fields.Dict()


class AuditPageSchema(Schema):
    entries = fields.List(fields.Nested(AuditEntrySchema))
    next_cursor = fields.Integer(allow_none=True, metadata={"description": "Pass as 'before' for the next page."})
