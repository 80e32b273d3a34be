"""check_assumptions: trapezoid trust on a staircase surface, and results that must not depend on target units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from priorml.audit.assumptions import check_assumptions

FAST = {"n_bootstrap": 100, "cv": 3}
TRAPEZOID = {"features": {"a": {"monotonic": 1}, "b": {}},
             "interactions": [{"trust": "trapezoid", "feature": "a", "by": "b", "direction": "positive"}]}


def _trapezoid_data(truth, n: int, seed: int):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(size=(2, n))
    return pd.DataFrame({"a": a, "b": b}), truth(a, b) + rng.normal(0, 0.2, n)


@pytest.mark.parametrize("seed", [2, 3])
def test_true_trapezoid_is_not_contradicted(seed):
    # a (1 + b): flat along b at a = 0, rising at a = 1, so the range along a widens with b. The surface is
    # constant within cells of b, so b's slope inside a cell is the average over a (about 0.5 > 0): testing
    # "falls at the lower end of a" on it contradicted this true trapezoid (p < 0.001 at n = 1500).
    X, y = _trapezoid_data(lambda a, b: a * (1 + b), 1500, seed)
    row = check_assumptions(TRAPEZOID, X, y, **FAST).table.set_index("constraint").loc["trust"]
    assert row["verdict"] != "contradicted"
    assert row["p_value"] > 0.01


@pytest.mark.parametrize("truth", [lambda a, b: a * (1 + b) + 0.3 * b, lambda a, b: a * (1 - b)],
                         ids=["lower-end-rises", "narrowing"])
def test_violated_trapezoid_is_still_contradicted(truth):
    X, y = _trapezoid_data(truth, 600, 0)
    row = check_assumptions(TRAPEZOID, X, y, **FAST).table.set_index("constraint").loc["trust"]
    assert row["verdict"] == "contradicted"


def _units_data():
    rng = np.random.default_rng(1)
    n = 200
    a, b, c = rng.uniform(size=(3, n))
    y = 2 * a - 0.2 * b + np.sin(3 * c) + rng.normal(0, 0.3, n)
    return pd.DataFrame({"a": a, "b": b, "c": c}), y


@pytest.mark.parametrize("scale", [1e-9, 1e6])
def test_verdicts_and_cost_do_not_depend_on_target_units(scale):
    # The cost's z-statistic had an absolute floor of 1e-15 target units squared: with a target in units of
    # 1e-9 every cost_z was 0, so a violation was never "contradicted" and an output bound never either.
    X, y = _units_data()
    spec = {"features": {"a": {"monotonic": 1}, "b": {"monotonic": 1}, "c": {"unimodal": "valley"}},
            "output": {"min": -0.5, "max": 3.0}}
    scaled = dict(spec, output={"min": -0.5 * scale, "max": 3.0 * scale})
    ref = check_assumptions(spec, X, y, **FAST).table
    got = check_assumptions(scaled, X, y * scale, **FAST).table
    assert got["verdict"].tolist() == ref["verdict"].tolist()
    assert "contradicted" in ref["verdict"].tolist()
    for col in ("p_value", "p_support", "cost", "cost_z"):
        np.testing.assert_allclose(got[col].to_numpy(float), ref[col].to_numpy(float), rtol=1e-6, atol=1e-9)


def test_output_bound_in_tiny_units_is_checked_relative_to_the_target():
    # The rounding tolerance had a floor of 1e-9 target units: with a target in units of 1e-6, values 0.05 %
    # of the range beyond the bound passed as "within the bounds".
    rng = np.random.default_rng(0)
    a = rng.uniform(size=100)
    y = 1e-6 * np.clip(a + rng.normal(0, 0.05, 100), 0, 1)
    y[:3] = 1.0005e-6
    spec = {"features": {"a": {"monotonic": 1}}, "output": {"min": 0, "max": 1e-6}}
    row = check_assumptions(spec, pd.DataFrame({"a": a}), y, **FAST).table.set_index("constraint").loc["output"]
    assert row["verdict"] == "contradicted"
    assert "3 of 100 targets lie above the upper bound 1e-06 (highest 1.0005e-06)" in row["evidence"]
