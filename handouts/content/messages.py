"""Pydantic's validation errors in plain words, each at its file, line and field.

``validate`` checks a YAML document (or one entry of it) against a model and turns each
error into a ``Problem`` a clinician can act on: "expected a whole number, found
\"three\"", "unknown field (did you mean \"reps\"?)", never pydantic's own wording.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from handouts.content.models import ID_PATTERN, Section
from handouts.content.yamlsrc import FieldPath, Key, YamlDoc, dotted
from handouts.errors import Problem
from handouts.wording import closest

_HIDDEN_FIELDS = {Section: {"body", "body_line"}}


def validate(
    model: type[BaseModel],
    doc: YamlDoc | None,
    display: str,
    problems: list[Problem],
    prefix: FieldPath = (),
    extra: dict | None = None,
    salvage: bool = False,
) -> Any:
    """Validate ``doc.data`` (or the entry at ``prefix``); append problems, return model or None.

    ``salvage``: when unknown fields are the only problems, return the model the rest makes,
    so its references are checked in the same run (the caller marks it broken).
    """
    data = doc.data if doc else None
    for key in prefix:
        data = data[key]
    if data is None:  # an empty file, or a new one saved before anything was typed
        message = "no fields here (is the file empty?); write one a line, such as 'name: …'"
        problems.append(Problem(display, doc.line(prefix) if doc else 0, dotted(prefix), message))
        return None
    if not isinstance(data, dict):
        # Not _describe: the value may be a whole file that is not ours (/etc/passwd).
        found = "text" if isinstance(data, str) else describe(data)
        message = f"expected a mapping of fields such as 'name: …', found {found}"
        problems.append(Problem(display, doc.line(prefix) if doc else 0, dotted(prefix), message))
        return None
    try:
        return model.model_validate({**data, **(extra or {})})
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        covered = _typo_covered(model, errors, data)
        for error in errors:
            if error["type"] != "missing" or tuple(error["loc"]) not in covered:
                problems.append(_error_problem(error, model, data, doc, display, prefix))
        unknown = [tuple(e["loc"]) for e in errors if e["type"] == "extra_forbidden"]
        across = [e for e in errors if not e["loc"] and e["type"] == "value_error"]
        if salvage and len(unknown) + len(across) == len(errors):
            return _validate_quietly(model, _without(data, unknown), extra)
        return None


def _validate_quietly(model: type[BaseModel], data: dict, extra: dict | None) -> Any:
    """The model without its checks across fields (``salvage``), or None."""
    try:
        return model.model_validate({**data, **(extra or {})}, context={"salvage": True})
    except ValidationError:
        return None


def _without(data: Any, locations: list[FieldPath]) -> Any:
    """A copy of ``data`` without the fields at ``locations`` (paths of keys and indexes)."""
    if isinstance(data, dict):
        here = {loc[0] for loc in locations if len(loc) == 1}
        return {
            key: _without(value, [loc[1:] for loc in locations if len(loc) > 1 and loc[0] == key])
            for key, value in data.items()
            if key not in here
        }
    if isinstance(data, list):
        return [
            _without(value, [loc[1:] for loc in locations if len(loc) > 1 and loc[0] == index])
            for index, value in enumerate(data)
        ]
    return data


def _typo_covered(model: type[BaseModel], errors: list[dict], data: dict) -> set[FieldPath]:
    """Missing fields that an unknown-field error already suggests (one typo, one problem)."""
    covered = set()
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "extra_forbidden":
            suggestion = _suggest_field(model, loc, _get(data, loc[:-1]))
            if suggestion:
                covered.add((*loc[:-1], suggestion))
    return covered


def _error_problem(
    error: dict, model: type[BaseModel], data: dict, doc: YamlDoc, display: str, prefix: FieldPath
) -> Problem:
    loc = tuple(error["loc"])
    if error["type"] == "invalid_key":
        message = f"field name {loc[-1]!r} must be text"
        return Problem(display, doc.line(prefix + loc), dotted(prefix + loc[:-1]), message)
    message = _message(error, model, data)
    field, _, rest = message.partition(" ")
    if not loc and field.split(".")[0] in model.model_fields:  # a check across fields
        loc = tuple(int(key) if key.isdigit() else key for key in field.split("."))
        message = rest
    return Problem(display, doc.line(prefix + loc), dotted(prefix + loc), message)


_MESSAGES = {
    "missing": "missing (required)",
    "string_type": "expected text, found {found}",
    "int_type": "expected a whole number, found {found}",
    "int_parsing": "expected a whole number, found {found}",
    "int_from_float": "expected a whole number, found {found}",
    "float_type": "expected a number, found {found}",
    "float_parsing": "expected a number, found {found}",
    "bool_type": "expected true or false, found {found}",
    "bool_parsing": "expected true or false, found {found}",
    "list_type": "expected a list, found {found}",
    "tuple_type": "expected a list, found {found}",
    "dict_type": "expected a mapping, found {found}",
    "model_type": "expected a mapping of fields, found {found}",
    "model_attributes_type": "expected a mapping of fields, found {found}",
    "string_too_short": "must not be empty",
    "string_too_long": "too long (at most {max_length} characters)",
    "too_short": "needs at least {min_length} items",
    "too_long": "too many items (at most {max_length})",
    "greater_than_equal": "must be {ge} or more, found {found}",
    "greater_than": "must be more than {gt}, found {found}",
    "less_than_equal": "must be {le} or less, found {found}",
    "less_than": "must be less than {lt}, found {found}",
    "literal_error": "must be {expected}, found {found}",
    "date_type": "expected a date such as 2025-03-01, found {found}",
    "date_parsing": "expected a date such as 2025-03-01, found {found}",
    "date_from_datetime_parsing": "expected a date such as 2025-03-01, found {found}",
    "recursion_loop": "refers to itself",
}

_PATTERNS = {
    ID_PATTERN: "{found} is not an id: use lowercase letters, digits and single hyphens, "
    'such as "calf-raise"',
    r"^https?://\S+$": "{found} is not a web address: it must start with https:// or http://",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": "{found} is not a source id: use letters, digits, "
    "'.', '_' and '-'",
}


_COLOUR_FIELDS = ("primary", "accent")
_UNQUOTED_COLOUR = (
    'has no value; put the colour in quotes, such as "#1F5F8B" ("#" starts a comment)'
)


def plain_message(error: dict, model: type[BaseModel], data: dict) -> str:
    """One pydantic error on ``data`` in the words ``validate`` uses, for data that was not
    read from a file (the web page's edited plan): "expected a whole number, found …"."""
    return _message(error, model, data)


def _message(error: dict, model: type[BaseModel], data: dict) -> str:
    kind, ctx, loc = error["type"], dict(error.get("ctx") or {}), tuple(error["loc"])
    found = describe(error.get("input"))
    if kind == "extra_forbidden":
        return _unknown_field(model, loc, _get(data, loc[:-1]))
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_pattern_mismatch":
        template = _PATTERNS.get(ctx.get("pattern"), "{found} does not have the expected form")
        return template.format(found=found)
    if kind.endswith("_type") and error.get("input") is None:
        if loc and loc[-1] in _COLOUR_FIELDS:  # `primary: #1F5F8B`: YAML read a comment
            return _UNQUOTED_COLOUR
        return "has no value"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    template = _MESSAGES.get(kind)
    if template is None:
        return str(error["msg"])
    ctx["expected"] = str(ctx.get("expected", "")).replace("'", '"')
    message = template.format(found=found, **ctx)
    if kind == "string_type" and not isinstance(error.get("input"), (list, dict)):
        message += "; put it in quotes to keep it as text"
    elif kind == "string_type" and isinstance(error.get("input"), dict):  # `- Hold: 30 s`
        message += '; text with ": " in it goes in quotes'
    return message


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 40 else f'"{value[:37]}..."'
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _get(data: Any, path: Sequence[Key]) -> Any:
    """The value at ``path`` inside nested dicts and lists, or None."""
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _unknown_field(model: type[BaseModel], loc: Sequence[Key], mapping: Any) -> str:
    suggestion = _suggest_field(model, loc, mapping)
    return f'unknown field (did you mean "{suggestion}"?)' if suggestion else "unknown field"


def _suggest_field(model: type[BaseModel], loc: Sequence[Key], mapping: Any) -> str | None:
    """A field name close to the unknown key at ``loc`` that the mapping does not use yet.

    Missing required fields are tried first: ``rets`` next to ``sets`` means ``reps``.
    """
    owner = _model_at(model, loc[:-1])
    if owner is None:
        return None
    used = set(mapping) if isinstance(mapping, dict) else set()
    hidden = _HIDDEN_FIELDS.get(owner, set())
    free = {n: f for n, f in owner.model_fields.items() if n not in hidden and n not in used}
    key = str(loc[-1])
    if key.lower() in free:
        return key.lower()
    required = sorted(n for n, f in free.items() if f.is_required())
    for names in (required, sorted(free)):
        close = closest(key, names)
        if close:
            return close
    return None


def _model_at(model: type[BaseModel], loc: Sequence[Key]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` inside ``model``."""
    current: Any = model
    for key in loc:
        current = _unwrap_optional(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(key) if isinstance(key, str) else None
            if info is None:
                return None
            current = info.annotation
        elif get_origin(current) in (list, tuple) and isinstance(key, int) and get_args(current):
            current = get_args(current)[0]
        else:
            return None
    current = _unwrap_optional(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation
