"""Priors say what they do: the mass a user's effect prior puts in its range, and what each row of
``prior_table_`` states (third audit).

* A lognormal model predicts the mean ``exp(mu + sigma^2 / 2)``, so a user's effect prior (a change of
  that mean, target units) is translated to log units at the mean prediction, in each draw of the
  intercept and of sigma. Translated at the geometric mean of y instead, it ignored the factor
  ``exp(sigma^2 / 2)`` and the intercept's spread: with a noise sd of 0.7 in log y, 0.42 of the prior
  mass lay in a range asked to hold 0.9, and its median was 1.5 times the range's centre.
* The default prior of a dominant feature is on the *excess* of its effect over the dominated one's,
  and its row says so (it said "total change", with a median 2 where the total's is 5 to 8).
* Every prior of an ordered categorical feature is listed, the increments of the order included.
* A Student-t noise prior is on the scale of the t, not its sd, and its row says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bayes_helpers import prior_model

PRIOR_MC = 4000


def _change(model, X, feature):
    """Draws of the prediction's change from the feature's first to its last keypoint, the other features
    at their medians."""
    j = model.spec_.feature_names.index(feature)
    kp = model.schema_.features[j].keypoints
    rows = pd.DataFrame({c: [X[c].median()] * 2 for c in X.columns})
    rows[feature] = [kp[0], kp[-1]]
    d = model.predict_draws(rows)
    return d[:, 1] - d[:, 0]


@pytest.mark.parametrize("s_log", [0.3, 0.7])
def test_lognormal_effect_prior_puts_the_requested_mass_on_the_mean_prediction(s_log):
    rng = np.random.default_rng(0)
    n = 300
    X = pd.DataFrame({"a": rng.uniform(0, 1, n)})
    y = np.exp(np.log(50) + 0.2 * X["a"].to_numpy() + rng.normal(0, s_log, n))
    spec = {"features": {"a": {"monotonic": 1}}, "priors": {"a": {"effect": [5, 15], "prob": 0.9}}}
    model = prior_model(spec, X, y, likelihood="lognormal", draws=PRIOR_MC)
    change = _change(model, X, "a")
    assert np.all(change > 0)
    assert np.median(change) == pytest.approx(np.sqrt(5 * 15), rel=0.06)  # the log-normal's median
    assert np.mean((5 <= change) & (change <= 15)) == pytest.approx(0.9, abs=0.03)
    rec = next(r for r in model.prior_table_ if r["parameter"] == "g0_effect_user")
    assert "mean prediction" in rec["note"] and "sigma^2 / 2" in rec["note"]


def test_lognormal_intercept_prior_still_on_the_mean_with_an_effect_prior():
    rng = np.random.default_rng(1)
    n = 200
    X = pd.DataFrame({"a": rng.uniform(0, 1, n)})
    y = np.exp(np.log(20) + 0.3 * X["a"].to_numpy() + rng.normal(0, 0.5, n))
    spec = {"features": {"a": {"monotonic": 1}},
            "priors": {"a": {"effect": [2, 6], "prob": 0.9}, "intercept": {"mean": 25, "sd": 1}}}
    model = prior_model(spec, X, y, likelihood="lognormal", draws=PRIOR_MC)
    mean_at_centre = np.exp(model.schema_.unscale_y(model.program_.draws["b0"])
                            + 0.5 * (model.schema_.y_scale * model.program_.draws["sigma"]) ** 2)
    assert np.mean(mean_at_centre) == pytest.approx(25, rel=0.02)
    change = _change(model, X, "a")
    assert np.mean((2 <= change) & (change <= 6)) == pytest.approx(0.9, abs=0.03)


def test_default_prior_of_a_dominant_feature_is_recorded_as_the_excess():
    rng = np.random.default_rng(2)
    n = 120
    X = pd.DataFrame({c: rng.uniform(0, 1, n) for c in "abd"})
    y = 10 * X["a"] + 5 * X["b"] + 10 * X["d"] + rng.normal(0, 3, n)
    spec = {"features": {"a": {"monotonic": 1}, "b": {"monotonic": 1}, "d": {"monotonic": 1}},
            "interactions": [{"dominance": "range", "feature": "a", "over": "b"},
                             {"dominance": "monotonic", "feature": "d", "over": "b"}]}
    model = prior_model(spec, X, y, draws=2000)
    notes = {r["parameter"]: r["note"] for r in model.prior_table_}
    assert "excess" not in notes["g1_effect"]  # the dominated feature's prior is on its total change
    assert "in excess of the largest |total change| of 'b' (range dominance)" in notes["g0_effect"]
    assert "in excess of the largest |slope| of 'b'" in notes["g2_effect"]
    # and that is what the draws say: the recorded LogNormal(log 2, 1) is the excess's, not the total's
    values = model.program_.draws
    for j, term in enumerate(("f_0", "f_1", "f_2")):
        total = values[term][:, -1] - values[term][:, 0]
        assert np.median(total) == pytest.approx(2.0, rel=0.1) if j == 1 else np.median(total) > 3.5


def test_every_prior_of_an_ordered_categorical_is_listed():
    rng = np.random.default_rng(3)
    n = 90
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "c": rng.choice(["lo", "mid", "hi"], n)})
    y = X["a"].to_numpy() + rng.normal(0, 1, n)
    spec = {"features": {"a": {}, "c": {"type": "categorical", "order": ["lo", "mid", "hi"]}}}
    model = prior_model(spec, X, y, draws=50)
    rows = {r["parameter"]: r for r in model.prior_table_}
    assert rows["c1_step"]["feature"] == "c" and rows["c1_step"]["distribution"] == "HalfNormal"
    assert rows["c1_step"]["origin"] == "default"
    assert "standardised target" in rows["c1_sigma"]["note"]


@pytest.mark.parametrize("priors", [{}, {"noise": {"scale": 2.0}}])
def test_student_t_noise_prior_says_it_is_on_the_scale_not_the_sd(priors):
    rng = np.random.default_rng(4)
    X = pd.DataFrame({"a": rng.uniform(0, 1, 60)})
    y = X["a"].to_numpy() + rng.standard_t(3, 60)
    model = prior_model({"features": {"a": {}}, "priors": priors}, X, y, likelihood="student_t", draws=10)
    note = next(r for r in model.prior_table_ if r["parameter"] == "noise")["note"]
    assert "scale of the Student-t noise" in note and "sqrt(nu / (nu - 2))" in note
