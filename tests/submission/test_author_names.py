"""Author names cannot impersonate (issue 11, finding 7): invisible-only names, bidi and control characters, and
look-alikes of the newsroom's reserved names or its moderators' are refused with a field error."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from moderation.submission.names import name_problem, reserved_match
from tests.factories import make_article, make_moderator
from tests.helpers import post_comment


@pytest.mark.parametrize(
    "name",
    [
        "\u200b\u200b\u200b",  # zero-width spaces only
        "\u3164",  # Hangul filler
        "\u202enoitkadeR",  # right-to-left override: renders as "Redaktion"
        "Anna\u0085",  # C1 control
        "Anna\u2028Bernd",  # line separator
        "\ufeffAnna",  # byte order mark
        "Anna\U0010ffff",  # non-character
        "Anna\r\nBernd",
        "...",
    ],
)
def test_invisible_and_control_characters_are_refused(name: str) -> None:
    assert name_problem(name) is not None


@pytest.mark.parametrize("name", ["Anna", "Jürgen Müller", "李小龙", "O'Brien", "Zoë-Marie 2"])
def test_ordinary_names_pass(name: str) -> None:
    assert name_problem(name) is None
    assert reserved_match(name, ("Redaktion", "Moderation")) is None


@pytest.mark.parametrize("name", ["Redaktion", "REDAKTION", "Rеdaktion", "Die Redaktion", "R3daktion", "Red-aktion"])
def test_look_alikes_of_reserved_names_are_caught(name: str) -> None:
    expected = None if name == "Red-aktion" else "Redaktion"  # two words is another name
    assert reserved_match(name, ("Redaktion",)) == expected


def test_the_api_refuses_reserved_and_invisible_names(client: FlaskClient, session: Any) -> None:
    make_article(session)
    make_moderator(session, name="Petra Schmidt")
    for name in ("Die Redaktion", "Petra Schmidt", "PETRA SCHMlDT", "\u200b", "\u202eRedaktion"):
        response = post_comment(client, author=name)
        assert (response.status_code, response.mimetype) == (400, "application/problem+json"), name
        assert "author_name" in response.json["errors"]
    assert post_comment(client, author="Petra").status_code == 201
