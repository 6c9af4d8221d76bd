import re
from pathlib import Path

import numpy as np
import pytest
from test_journey_factories import frame, prefix

from amato_ml.journey.features import (
    NUMERIC_FEATURES,
    OTHER_FEATURE,
    PAGE_TYPES,
    encode,
    feature_names,
    page_type_categories,
)

CONTRACT = Path(__file__).parents[2] / "libs/contracts/src/events/clickstream.events.ts"
CATEGORIES = ["home", "product", "cart"]


def one_row(**fields):
    return encode(frame([prefix("S1", **fields)]), CATEGORIES)[0]


def page_type_part(row):
    return row[len(NUMERIC_FEATURES) :].tolist()


def test_page_types_are_the_contracts_in_its_order():
    text = CONTRACT.read_text()
    declared = re.search(r"PAGE_TYPES = \[(.*?)\] as const", text, re.DOTALL)
    assert declared is not None
    assert tuple(re.findall(r"'([a-z_]+)'", declared.group(1))) == PAGE_TYPES


def test_categories_are_the_page_types_seen_in_page_type_order_and_nothing_else():
    seen = ["cart", None, "product", "wishlist", "home", "cart", "Home"]
    assert page_type_categories(seen) == ["home", "product", "cart"]


def test_feature_names_are_counts_then_categories_then_other():
    assert feature_names(CATEGORIES) == [
        *NUMERIC_FEATURES,
        "last_page_type=home",
        "last_page_type=product",
        "last_page_type=cart",
        OTHER_FEATURE,
    ]


def test_the_counts_come_first_in_their_order_as_float32():
    row = one_row(pages=7, depth=6, time_on_site_seconds=321, cart_adds=2, searches=3)
    assert row.dtype == np.float32
    assert row[: len(NUMERIC_FEATURES)].tolist() == [7, 6, 321, 2, 3]


@pytest.mark.parametrize(("page_type", "column"), [("home", 0), ("product", 1), ("cart", 2)])
def test_each_category_sets_its_own_column(page_type, column):
    expected = [0.0] * 4
    expected[column] = 1.0
    assert page_type_part(one_row(last_page_type=page_type)) == expected


@pytest.mark.parametrize(
    "page_type",
    [None, "checkout", "wishlist", "Home", ""],
    ids=["null", "page type unseen at training", "not a page type", "wrong case", "empty"],
)
def test_null_and_unknown_page_types_set_the_other_column(page_type):
    assert page_type_part(one_row(last_page_type=page_type)) == [0.0, 0.0, 0.0, 1.0]


def test_purchases_is_not_a_feature():
    assert not any("purchase" in name for name in feature_names(PAGE_TYPES))
