"""Stable machine codes for field errors, sent beside the English messages in every 400 (``error_codes``).

Clients (the widget, a CMS) show their own words in their own language by code, never by matching English text
that may change with a marshmallow release. Each message the service can produce maps to one code here: the
templates of marshmallow's fields and validators (turned into patterns from the installed version's own
templates, so an upgrade that rewords one fails the tests instead of silently turning codes into ``invalid``),
and the service's own validators' messages. Anything unknown is ``invalid``, still with its message.
"""

from __future__ import annotations

import enum
import functools
import re
import string

from marshmallow import Schema, fields, validate


class FieldCode(enum.StrEnum):
    REQUIRED = "required"
    NULL = "null"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_TYPE = "invalid_type"
    BLANK = "blank"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    LENGTH = "length"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    OUT_OF_RANGE = "out_of_range"
    NOT_ONE_OF = "not_one_of"
    INVALID_FORMAT = "invalid_format"
    INVALID_EMAIL = "invalid_email"
    INVALID_URL = "invalid_url"
    INVALID_CHARACTERS = "invalid_characters"
    RESERVED_NAME = "reserved_name"
    UNKNOWN_PARENT = "unknown_parent"
    OTHER_ARTICLE = "other_article"
    INVALID_CURSOR = "invalid_cursor"
    NOT_IN_FUTURE = "not_in_future"
    NEEDS_EMAIL = "needs_email"
    MAIL_OFF = "mail_off"
    INVALID = "invalid"


#: The service's own messages (prefixes; numbers and characters inside them vary).
_OWN: tuple[tuple[str, FieldCode], ...] = (
    ("Must not be empty.", FieldCode.BLANK),
    ("Must be at most {} characters", FieldCode.TOO_LONG),
    ("Must be at most {}.", FieldCode.TOO_LARGE),
    ("Must be 1, -1 or 0.", FieldCode.NOT_ONE_OF),
    ("Contains an invisible or control character", FieldCode.INVALID_CHARACTERS),
    ("Contains a control character or invalid Unicode.", FieldCode.INVALID_CHARACTERS),
    ("Must contain a letter or digit.", FieldCode.INVALID_CHARACTERS),
    ("Reserved for the newsroom", FieldCode.RESERVED_NAME),
    ("Unknown comment.", FieldCode.UNKNOWN_PARENT),
    ("Comment belongs to another article.", FieldCode.OTHER_ARTICLE),
    ("Invalid cursor", FieldCode.INVALID_CURSOR),
    ("Must be in the future.", FieldCode.NOT_IN_FUTURE),
    ("Needs an e-mail address.", FieldCode.NEEDS_EMAIL),
    ("E-mail notifications are not set up on this site.", FieldCode.MAIL_OFF),
    ("Must not be before", FieldCode.OUT_OF_RANGE),
    ("1-128 characters", FieldCode.INVALID_FORMAT),
)

#: marshmallow's templates by their error key (fields) or attribute (validators).
_MARSHMALLOW_KEYS: dict[str, FieldCode] = {
    "required": FieldCode.REQUIRED,
    "null": FieldCode.NULL,
    "unknown": FieldCode.UNKNOWN_FIELD,
    "type": FieldCode.INVALID_TYPE,
    "invalid": FieldCode.INVALID_TYPE,
    "too_large": FieldCode.TOO_LARGE,
    "special": FieldCode.INVALID_TYPE,
    "invalid_utf8": FieldCode.INVALID_CHARACTERS,
    "format": FieldCode.INVALID_FORMAT,
    "unknown_enum": FieldCode.NOT_ONE_OF,
}
_VALIDATOR_MESSAGES: tuple[tuple[str, FieldCode], ...] = (
    (validate.Email.default_message, FieldCode.INVALID_EMAIL),
    (validate.URL.default_message, FieldCode.INVALID_URL),
    (validate.Length.message_min, FieldCode.TOO_SHORT),
    (validate.Length.message_max, FieldCode.TOO_LONG),
    (validate.Length.message_all, FieldCode.LENGTH),
    (validate.Length.message_equal, FieldCode.LENGTH),
    # Range's templates are two-stage ("Must be {min_op} {{min}}."), with inclusive and exclusive operator words.
    *(
        (validate.Range.message_all.format(min_op=low, max_op=high), FieldCode.OUT_OF_RANGE)
        for low in (validate.Range.message_gte, validate.Range.message_gt)
        for high in (validate.Range.message_lte, validate.Range.message_lt)
    ),
    *(
        (validate.Range.message_min.format(min_op=low), FieldCode.TOO_SMALL)
        for low in (validate.Range.message_gte, validate.Range.message_gt)
    ),
    *(
        (validate.Range.message_max.format(max_op=high), FieldCode.TOO_LARGE)
        for high in (validate.Range.message_lte, validate.Range.message_lt)
    ),
    (validate.OneOf.default_message, FieldCode.NOT_ONE_OF),
    (validate.Regexp.default_message, FieldCode.INVALID_FORMAT),
)
_FIELD_OVERRIDES: dict[type[fields.Field], FieldCode] = {  # type: ignore[type-arg]
    fields.Email: FieldCode.INVALID_EMAIL,
    fields.URL: FieldCode.INVALID_URL,
}


def code_for(message: str) -> FieldCode:
    """The machine code of one field error message (``invalid`` when it is not one the service knows)."""
    for pattern, code in _patterns():
        if pattern.match(message):
            return code
    return FieldCode.INVALID


def codes_for(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Field -> codes, in the order of the messages."""
    return {name: [code_for(message).value for message in messages] for name, messages in errors.items()}


def _template_pattern(template: str, *, prefix: bool = False) -> re.Pattern[str]:
    """``"Longer than maximum length {max}."`` -> a pattern where each placeholder stands for anything."""
    parts = [re.escape(literal) + (".*?" if name is not None else "") for literal, name, _, _ in _parsed(template)]
    return re.compile("".join(parts) + ("" if prefix else "$"), re.DOTALL)


def _parsed(template: str) -> list[tuple[str, str | None, str | None, str | None]]:
    return list(string.Formatter().parse(template))


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], FieldCode], ...]:
    """Own messages first (they are the most specific), then validators, then every field class's templates."""
    found = [(_template_pattern(text, prefix=True), code) for text, code in _OWN]
    found += [(_template_pattern(text), code) for text, code in _VALIDATOR_MESSAGES]
    for field_class in _field_classes():
        for key, template in field_class.default_error_messages.items():
            code = _FIELD_OVERRIDES.get(field_class) if key == "invalid" else None
            code = code or _MARSHMALLOW_KEYS.get(key)
            if code is not None and isinstance(template, str):
                found.append((_template_pattern(template), code))
    for key, template in Schema._default_error_messages.items():  # "Unknown field.", "Invalid input type."
        found.append((_template_pattern(template), _MARSHMALLOW_KEYS[key]))
    return tuple(found)


def _field_classes() -> list[type[fields.Field]]:  # type: ignore[type-arg]
    """Every field class marshmallow defines, specific ones before their bases (Email before String)."""
    classes = [c for c in vars(fields).values() if isinstance(c, type) and issubclass(c, fields.Field)]
    return sorted(set(classes), key=lambda c: -len(c.__mro__))
