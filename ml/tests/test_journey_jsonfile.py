import pytest

from amato_ml.jsonfile import WIDTH, dumps, number


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e-05, "1e-5"), (1.5e20, "1.5e20"), (2.5e-300, "2.5e-300"), (0.1, "0.1"), (1.0, "1.0")]
    + [(3, "3"), (-0.0, "-0.0")],
)
def test_numbers_are_written_as_prettier_writes_them(value, text):
    assert number(value) == text


def test_objects_are_expanded_and_short_scalar_arrays_stay_on_one_line():
    assert dumps({"a": {"b": [1, "x", None, True]}, "c": [], "d": {}}) == (
        '{\n  "a": {\n    "b": [1, "x", null, true]\n  },\n  "c": [],\n  "d": {}\n}\n'
    )


def test_long_arrays_break_strings_one_per_line_and_numbers_filled():
    text = dumps({"s": ["x" * 40] * 3, "n": list(range(1000, 1040))})
    lines = text.splitlines()
    assert lines[1:5] == [
        '  "s": [',
        f'    "{"x" * 40}",',
        f'    "{"x" * 40}",',
        f'    "{"x" * 40}"',
    ]
    numbers = lines[lines.index('  "n": [') + 1 : -2]
    assert len(numbers) > 1
    assert all(len(line) <= WIDTH for line in numbers)
    assert " ".join(numbers).split() == [f"{n}," for n in range(1000, 1039)] + ["1039"]


def test_what_json_cannot_hold_is_refused():
    with pytest.raises(ValueError, match="JSON has no nan"):
        dumps({"x": float("nan")})
    with pytest.raises(TypeError, match="cannot write set"):
        dumps({"x": {1}})
