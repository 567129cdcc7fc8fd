"""Field errors carry stable machine codes beside their messages: every template marshmallow and the service use
maps to its code (so a reworded template fails here), and every 400 of the API sends them."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from marshmallow import fields, validate

from moderation.fieldcodes import FieldCode, code_for
from tests.helpers import comments_url, post_comment


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (fields.Field.default_error_messages["required"], "required"),
        (fields.Field.default_error_messages["null"], "null"),
        ("Unknown field.", "unknown_field"),
        (fields.String.default_error_messages["invalid"], "invalid_type"),
        (fields.Integer.default_error_messages["invalid"], "invalid_type"),
        (fields.Boolean.default_error_messages["invalid"], "invalid_type"),
        (fields.Email.default_error_messages["invalid"], "invalid_email"),
        (fields.URL.default_error_messages["invalid"], "invalid_url"),
        ("Longer than maximum length 5.", "too_long"),
        ("Shorter than minimum length 1.", "too_short"),
        ("Length must be between 1 and 200.", "length"),
        ("Must be greater than or equal to 1 and less than or equal to 200.", "out_of_range"),
        ("Must be greater than or equal to 1.", "too_small"),
        ("Must be less than or equal to 200.", "too_large"),
        ("Must be one of: de, en.", "not_one_of"),
        ("String does not match expected pattern.", "invalid_format"),
        ("Invalid input type.", "invalid_type"),
        ("Must not be empty.", "blank"),
        ("Must be at most 5000 characters (got 5001).", "too_long"),
        ("Must be at most 100.", "too_large"),
        ("Must be 1, -1 or 0.", "not_one_of"),
        ("Contains an invisible or control character (U+200B).", "invalid_characters"),
        ("Contains a control character or invalid Unicode.", "invalid_characters"),
        ("Reserved for the newsroom; choose another name.", "reserved_name"),
        ("Unknown comment.", "unknown_parent"),
        ("Comment belongs to another article.", "other_article"),
        ("Invalid cursor; use the next_cursor value of a response of the same listing.", "invalid_cursor"),
        ("Must be in the future.", "not_in_future"),
        ("Something nobody wrote.", "invalid"),
    ],
)
def test_each_message_has_its_code(message: str, code: str) -> None:
    assert code_for(message) == FieldCode(code)


def test_marshmallows_own_validators_produce_messages_with_their_codes() -> None:
    """Not the templates' text as copied above: what the installed validators really say."""
    from marshmallow import ValidationError

    cases = [
        (validate.Length(max=2), "long", "too_long"),
        (validate.Length(min=1, max=2), "long", "length"),
        (validate.Range(min=1, max=3), 9, "out_of_range"),
        (validate.Range(min=1), 0, "too_small"),
        (validate.Range(max=1, max_inclusive=False), 1, "too_large"),
        (validate.OneOf(["a"]), "b", "not_one_of"),
        (validate.Regexp(r"^a$"), "b", "invalid_format"),
        (validate.Email(), "kein", "invalid_email"),
    ]
    for validator, value, code in cases:
        with pytest.raises(ValidationError) as raised:
            validator(value)
        assert code_for(str(raised.value.messages[0])) == FieldCode(code), validator


def codes_of(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert set(response.json["error_codes"]) == set(response.json["errors"])
    return dict(response.json["error_codes"])


@pytest.mark.parametrize("settings_overrides", [{"body_max_length": 20}])
def test_a_submission_answers_with_codes_beside_messages(client: FlaskClient, token: str) -> None:
    assert codes_of(post_comment(client, "x" * 21)) == {"body": ["too_long"]}
    assert codes_of(post_comment(client, "   ")) == {"body": ["blank"]}
    assert codes_of(post_comment(client, "Hallo", author="Redaktion")) == {"author_name": ["reserved_name"]}
    assert codes_of(post_comment(client, "Hallo", email="kein-mail")) == {"email": ["invalid_email"]}
    assert codes_of(post_comment(client, "Hallo", parent_id=999)) == {"parent_id": ["unknown_parent"]}
    unknown = client.post(comments_url(), json={"author_name": "A", "body": "Hallo", "farbe": "rot"})
    assert codes_of(unknown) == {"farbe": ["unknown_field"]}
    assert codes_of(client.post(comments_url(), json={"author_name": "A"})) == {"body": ["required"]}
    assert codes_of(client.get(comments_url() + "?limit=0")) == {"limit": ["too_small"]}
