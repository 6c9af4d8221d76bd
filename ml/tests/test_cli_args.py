import argparse

import pytest

from amato_ml.cli_args import non_negative_int, positive_int, share, share_from_zero


@pytest.mark.parametrize(
    ("parse", "text", "value"),
    [
        (positive_int, "1", 1),
        (positive_int, "200", 200),
        (non_negative_int, "0", 0),
        (non_negative_int, "7", 7),
        (share, "0.25", 0.25),
        (share_from_zero, "0", 0.0),
        (share_from_zero, "0.2", 0.2),
    ],
)
def test_a_value_in_range_is_parsed(parse, text, value):
    assert parse(text) == value


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (positive_int, "x", "not an integer: x"),
        (positive_int, "1.5", "not an integer: 1.5"),
        (positive_int, "0", "must be a positive integer, got 0"),
        (non_negative_int, "", "not an integer: "),
        (non_negative_int, "-1", "must be 0 or more, got -1"),
        (share, "half", "not a number: half"),
        (share, "0", "must be between 0 and 1 (exclusive), got 0"),
        (share, "1", "must be between 0 and 1 (exclusive), got 1"),
        (share, "nan", "must be between 0 and 1 (exclusive), got nan"),
        (share_from_zero, "half", "not a number: half"),
        (share_from_zero, "-0.1", "must be between 0 (inclusive) and 1 (exclusive), got -0.1"),
        (share_from_zero, "1", "must be between 0 (inclusive) and 1 (exclusive), got 1"),
    ],
)
def test_a_value_out_of_range_or_unparsable_is_an_argument_error_naming_it(parse, text, message):
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        parse(text)
    assert str(refused.value) == message
