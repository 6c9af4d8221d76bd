"""The time-based split: the latest sessions are the holdout, as the future is for the live model.

A random split would put prefixes of one session on both sides (they share the outcome, so the
holdout would flatter the model) and would let the model learn from sessions later than the ones
it is judged on. Here the unit is the session and the order is its start: every session that
starts at or after the cutoff is held out with all its prefixes, every other one trains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from amato_ml.journey.dataset import DatasetError


@dataclass(frozen=True)
class TimeSplit:
    """Which rows train and which are held out, and the session start that divides them."""

    cutoff_ms: int
    holdout: np.ndarray  # bool per row
    train_sessions: int
    holdout_sessions: int

    @property
    def train(self) -> np.ndarray:
        return ~self.holdout


def time_split(frame: pd.DataFrame, holdout_share: float) -> TimeSplit:
    """Holds out the latest `holdout_share` of sessions by start, all prefixes of each together.

    The cutoff is the start of the first held-out session in start order. Sessions that start at
    the very same millisecond as it are held out too, so that every training session starts
    strictly before every held-out one; the held-out share can therefore exceed the one asked.
    """
    if not 0 < holdout_share < 1:
        raise ValueError(f"holdout share must be between 0 and 1, got {holdout_share}")
    starts = np.sort(frame.groupby("session_id", sort=False)["session_start"].first().to_numpy())
    sessions = len(starts)
    wanted = min(sessions, max(1, math.ceil(holdout_share * sessions)))
    cutoff = int(starts[sessions - wanted])
    train_sessions = int(np.searchsorted(starts, cutoff, side="left"))
    if train_sessions == 0:
        raise DatasetError(
            f"cannot split {sessions} session(s) by time: the latest {wanted} start no later "
            "than the earliest one, so no session is left to train on"
        )
    return TimeSplit(
        cutoff_ms=cutoff,
        holdout=frame["session_start"].to_numpy() >= cutoff,
        train_sessions=train_sessions,
        holdout_sessions=sessions - train_sessions,
    )
