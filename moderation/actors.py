"""Who did something, as the audit log and webhook payloads name them: one closed set plus named moderators."""

from __future__ import annotations

import enum

MODERATOR_PREFIX = "moderator:"


class Actor(enum.StrEnum):
    """Actors that are not a person with an account."""

    #: The submission pipeline (model, rules, campaign screening) and the background re-score job.
    PIPELINE = "system:pipeline"
    #: The webhook worker (an endpoint disabled after failing too often).
    WEBHOOKS = "system:webhooks"
    #: The retention job (personal data past its period).
    RETENTION = "system:retention"
    #: Enough reader reports hid a comment.
    REPORTS = "system:reports"
    #: An anonymous reader (a report).
    READER = "reader"
    #: Someone not logged in (a failed login to the moderators' web app).
    ANONYMOUS = "anonymous"
    #: An operator at the server's command line.
    CLI = "cli"
    CLI_DEMO = "cli:demo"
    CLI_CALIBRATE = "cli:calibrate"


def moderator_actor(name: str) -> str:
    """``moderator:<name>``: a person (or an integration's token) acting through the moderator API."""
    return MODERATOR_PREFIX + name
