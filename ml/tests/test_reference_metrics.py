import json
from pathlib import Path

import pytest

from amato_ml.reference_metrics import reference

FIXTURE = Path(__file__).parents[2] / "libs/models/src/segmentation/fixtures/cluster-metrics.json"


def test_the_committed_fixture_is_what_scikit_learn_gives_now():
    committed = json.loads(FIXTURE.read_text())
    fresh = reference()
    assert committed["labels"] == fresh["labels"]
    assert committed["points"] == fresh["points"]
    for key in ("silhouette", "davies_bouldin"):
        assert committed[key] == pytest.approx(fresh[key], rel=1e-12)
    assert [c["value"] for c in committed["ari"]] == pytest.approx(
        [c["value"] for c in fresh["ari"]], rel=1e-12
    )


def test_the_labelings_cover_the_cases_the_typescript_tests_rely_on():
    ari = {round(c["value"], 6) for c in reference()["ari"]}
    assert 1.0 in ari  # a renumbering is the same partition
    assert any(abs(v) < 0.2 for v in ari)  # a shuffle is about independent
