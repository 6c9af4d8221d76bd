"""JSON written the way the repository's Prettier formats it (2 spaces, 100 columns), and
compact for serving artifacts.

The fixture files live in libs/models, where `prettier --check` runs. Writing them already
formatted keeps one source of truth: regenerating gives the committed bytes, with no formatting
step between Python and the commit. The subset handled is what this package writes: objects are
always expanded (Prettier keeps an object expanded when it starts with a line break), arrays of
scalars go on one line when they fit, numbers then fill lines, anything else breaks one per line.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

WIDTH = 100
INDENT = "  "


def dumps(value: object) -> str:
    """The document, ending with a newline."""
    return _value(value, 0, "", "") + "\n"


def dumps_compact(value: object) -> str:
    """One line, no spaces: a serving artifact, where size matters and nobody reads it."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def write(path: Path, value: object) -> None:
    path.write_text(dumps(value), encoding="utf-8")


def number(value: float | int) -> str:
    """A number as Prettier prints it: Python's shortest repr, exponent without + or zeros."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number here")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"JSON has no {value}")
    text = repr(value).lower()
    text = re.sub(r"^([+-]?[\d.]+e)(?:\+|(-))?0*(\d)", r"\1\2\3", text)
    return re.sub(r"(\.\d+?)0+(?=e|$)", r"\1", text)


def _scalar(value: object) -> str | None:
    if value is None or isinstance(value, bool | str):
        return json.dumps(value)
    if isinstance(value, int | float):
        return number(value)
    return None


def _value(value: object, depth: int, prefix: str, suffix: str) -> str:
    """`value` printed at `depth`, on a line that starts with `prefix` and ends with `suffix`."""
    scalar = _scalar(value)
    if scalar is not None:
        return scalar
    if isinstance(value, dict):
        return _object(value, depth)
    if isinstance(value, list | tuple):
        return _array(list(value), depth, prefix, suffix)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _object(value: dict[object, object], depth: int) -> str:
    if not value:
        return "{}"
    inner = INDENT * (depth + 1)
    lines = []
    for k, (key, item) in enumerate(value.items()):
        if not isinstance(key, str):
            raise TypeError(f"JSON keys are strings, not {type(key).__name__}")
        head = f"{inner}{json.dumps(key)}: "
        tail = "," if k < len(value) - 1 else ""
        lines.append(head + _value(item, depth + 1, head, tail) + tail)
    return "{\n" + "\n".join(lines) + "\n" + INDENT * depth + "}"


def _array(items: list[object], depth: int, prefix: str, suffix: str) -> str:
    if not items:
        return "[]"
    scalars = [_scalar(item) for item in items]
    inner = INDENT * (depth + 1)
    if all(text is not None for text in scalars):
        texts = [text for text in scalars if text is not None]
        flat = "[" + ", ".join(texts) + "]"
        if len(prefix) + len(flat) + len(suffix) <= WIDTH:
            return flat
        if all(isinstance(item, int | float) and not isinstance(item, bool) for item in items):
            return "[\n" + _fill(texts, inner) + "\n" + INDENT * depth + "]"
        body = [f"{inner}{text}" for text in texts]
    else:
        last = len(items) - 1
        body = [
            inner + _value(item, depth + 1, inner, "," if k < last else "")
            for k, item in enumerate(items)
        ]
    return "[\n" + ",\n".join(body) + "\n" + INDENT * depth + "]"


def _fill(texts: list[str], inner: str) -> str:
    """Numbers packed onto lines of at most WIDTH columns, each but the last with its comma."""
    lines: list[str] = []
    line = ""
    for k, text in enumerate(texts):
        item = text + ("," if k < len(texts) - 1 else "")
        if line and len(inner) + len(line) + 1 + len(item) > WIDTH:
            lines.append(inner + line)
            line = ""
        line = f"{line} {item}" if line else item
    lines.append(inner + line)
    return "\n".join(lines)
