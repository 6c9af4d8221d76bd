"""JSON text for the artifacts: compact for serving, and for committed fixtures exactly the text
Prettier prints (the repository's formatter checks every JSON file), so that regenerating a
fixture reproduces the committed file byte for byte without running Prettier afterwards.

Only what the artifacts contain is supported: objects (always printed expanded), arrays of
numbers (Prettier's "fill" layout: as many per line as fit), other arrays, strings, finite
numbers, booleans and null.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

PRINT_WIDTH = 100  # .prettierrc.json
INDENT = "  "

_EXPONENT = re.compile(r"e([+-]?)0*(\d)")


def number_text(value: int | float) -> str:
    """The shortest round-trip text of a number, with the exponent as Prettier writes it (1e-7,
    not Python's 1e-07): both parse to the same double, so no digit is lost."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number here")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"{value} has no JSON representation")
    return _EXPONENT.sub(
        lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), repr(value)
    )


def dumps_compact(value: Any) -> str:
    """One line, no spaces: the serving artifact, where size matters and nobody reads it."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def dumps_prettier(value: Any) -> str:
    """The text `prettier --write` would leave unchanged, with a final newline."""
    return _value(value, 0, 0, 0) + "\n"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, bool | str):
        return json.dumps(value)
    if _is_number(value):
        return number_text(value)
    raise TypeError(f"unsupported value of type {type(value).__name__}")


def _value(value: Any, level: int, column: int, trailing: int) -> str:
    """`column`: where the value starts on its line; `trailing`: characters that follow it on
    the line (a comma), which count when Prettier decides whether a group fits."""
    if isinstance(value, dict):
        return _object(value, level)
    if isinstance(value, list | tuple):
        return _array(list(value), level, column, trailing)
    return _scalar(value)


def _object(value: dict[str, Any], level: int) -> str:
    if not value:
        return "{}"
    inner = INDENT * (level + 1)
    lines = []
    for index, (key, item) in enumerate(value.items()):
        prefix = f"{inner}{json.dumps(key)}: "
        comma = "," if index < len(value) - 1 else ""
        lines.append(prefix + _value(item, level + 1, len(prefix), len(comma)) + comma)
    return "{\n" + "\n".join(lines) + "\n" + INDENT * level + "}"


def _array(items: list[Any], level: int, column: int, trailing: int) -> str:
    if not items:
        return "[]"
    inner = INDENT * (level + 1)
    nested = [isinstance(item, dict | list | tuple) for item in items]
    if not any(nested):
        flat = "[" + ", ".join(_scalar(item) for item in items) + "]"
        if column + len(flat) + trailing <= PRINT_WIDTH:
            return flat
        if len(items) > 1 and all(_is_number(item) for item in items):
            return (
                "[\n" + _fill([number_text(i) for i in items], inner) + "\n" + INDENT * level + "]"
            )
        body = ",\n".join(inner + _scalar(item) for item in items)
        return "[\n" + body + "\n" + INDENT * level + "]"
    if not all(nested):
        raise TypeError("arrays mixing containers and scalars are not supported")
    lines = []
    for index, item in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        lines.append(inner + _value(item, level + 1, len(inner), len(comma)) + comma)
    return "[\n" + "\n".join(lines) + "\n" + INDENT * level + "]"


def _fill(texts: list[str], inner: str) -> str:
    """Prettier's fill: the next item joins the line when `item, next` fits in the width."""
    items = [text + "," for text in texts[:-1]] + [texts[-1]]
    lines, line = [], inner + items[0]
    for item in items[1:]:
        if len(line) + 1 + len(item) <= PRINT_WIDTH:
            line += " " + item
        else:
            lines.append(line)
            line = inner + item
    lines.append(line)
    return "\n".join(lines)
