"""Argument types shared by the package's command lines, with messages that name the value."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")


def positive_int(text: str) -> int:
    value = _parsed(text, int, "an integer")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def non_negative_int(text: str) -> int:
    value = _parsed(text, int, "an integer")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def share(text: str) -> float:
    """A fraction strictly between 0 and 1."""
    value = _parsed(text, float, "a number")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), got {text}")
    return value


def share_from_zero(text: str) -> float:
    """A fraction from 0, which leaves nothing out, up to but not including 1."""
    value = _parsed(text, float, "a number")
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(
            f"must be between 0 (inclusive) and 1 (exclusive), got {text}"
        )
    return value


def _parsed(text: str, parse: Callable[[str], _T], what: str) -> _T:
    try:
        return parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not {what}: {text}") from None
