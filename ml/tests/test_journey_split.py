import numpy as np
import pytest
from test_journey_factories import sessions

from amato_ml.journey.dataset import DatasetError
from amato_ml.journey.split import time_split


def sides(frame, split):
    train = set(frame.loc[split.train, "session_id"])
    holdout = set(frame.loc[split.holdout, "session_id"])
    return train, holdout


def test_no_session_is_on_both_sides_and_every_prefix_follows_its_session():
    starts = np.random.default_rng(3).integers(0, 10_000, size=50).tolist()
    frame = sessions(starts, prefixes=4)
    split = time_split(frame, 0.3)
    train, holdout = sides(frame, split)
    assert not train & holdout
    assert train | holdout == set(frame["session_id"])
    assert frame.loc[split.holdout].groupby("session_id").size().eq(4).all()


def test_the_holdout_is_the_latest_share_of_sessions():
    frame = sessions([5, 1, 9, 3, 7, 2, 8, 4, 6, 10])  # given out of order
    split = time_split(frame, 0.2)
    train, holdout = sides(frame, split)
    assert holdout == {"S2", "S9"}  # the sessions starting at 9 and 10
    assert split.cutoff_ms == 9
    assert frame.loc[split.train, "session_start"].max() < split.cutoff_ms
    assert (split.train_sessions, split.holdout_sessions) == (8, 2)


def test_sessions_starting_at_the_cutoff_all_go_to_the_holdout():
    frame = sessions([1, 2, 3, 4, 4, 4])
    split = time_split(frame, 0.2)  # asks for 2 sessions, three start at 4
    _, holdout = sides(frame, split)
    assert holdout == {"S3", "S4", "S5"}
    assert (
        frame.loc[split.train, "session_start"].max()
        < frame.loc[split.holdout, "session_start"].min()
    )


def test_a_split_with_nothing_left_to_train_on_is_refused():
    with pytest.raises(DatasetError, match="no session is left to train on"):
        time_split(sessions([7, 7, 7]), 0.5)


@pytest.mark.parametrize("share", [0, 1, -0.1, 1.5])
def test_the_holdout_share_is_a_proper_fraction(share):
    with pytest.raises(ValueError, match="between 0 and 1"):
        time_split(sessions([1, 2, 3]), share)
