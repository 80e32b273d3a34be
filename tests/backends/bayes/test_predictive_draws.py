"""Predictive draws of y for every likelihood (third audit).

A Poisson model's prior draws of the log-rate are wide (a default effect of a few log units per
feature, heavy-tailed), so rates beyond numpy's limit for Poisson draws (about 9.2e18) occur in
ordinary specs: ``prior_predictive`` raised "lam value too large" for three monotone features with
the default priors. Rates that large are drawn from the normal approximation; an infinite rate
(exp overflow) gives an infinite count.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from bayes_helpers import prior_model
from priorml.backends.bayes import BayesProgram, Term


def _program(b0: np.ndarray) -> BayesProgram:
    term = Term("f_0", "numeric", (0,), [np.array([0.0, 1.0])], 2, np.zeros(2))
    return BayesProgram([term], {}, "poisson", {"b0": b0, "f_0": np.zeros((len(b0), 2))})


def test_poisson_draws_for_any_rate():
    rng = np.random.default_rng(0)
    Xenc = np.full((4000, 1), 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # exp(800) overflows to inf
        ys = _program(np.array([np.log(3.0), np.log(1e16), np.log(1e30), 800.0])).sample_y(Xenc, rng)
    assert ys.shape == (4, 4000) and np.all(ys >= 0) and not np.isnan(ys).any()
    assert ys[0].mean() == pytest.approx(3.0, rel=0.05) and np.all(ys[0] == np.round(ys[0]))
    assert ys[1].mean() == pytest.approx(1e16, rel=1e-7) and ys[1].std() == pytest.approx(1e8, rel=0.05)
    assert ys[2].mean() == pytest.approx(1e30, rel=1e-9)
    assert np.all(np.isinf(ys[3]))


def test_bernoulli_probabilities_at_extreme_logits_without_a_warning():
    # 1 / (1 + exp(-eta)) warned "overflow encountered in exp" at eta below about -709
    term = Term("f_0", "numeric", (0,), [np.array([0.0, 1.0])], 2, np.zeros(2))
    program = BayesProgram([term], {}, "bernoulli", {"b0": np.array([-1000.0, 0.0, 1000.0]),
                                                     "f_0": np.zeros((3, 2))})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = program.mean(np.full((2, 1), 0.5))
    np.testing.assert_array_equal(p, [[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]])


def test_poisson_prior_predictive_with_default_priors():
    rng = np.random.default_rng(1)
    n = 100
    X = pd.DataFrame({c: rng.uniform(0, 1, n) for c in "abc"})
    y = rng.poisson(np.exp(1 + X["a"].to_numpy())).astype(float)
    spec = {"features": {c: {"monotonic": 1} for c in "abc"}}
    model = prior_model(spec, X, y, likelihood="poisson", draws=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        prior = model.prior_predictive(X, draws=2000, random_state=0)
    assert prior["y"].shape == (2000, n) and np.all(prior["y"] >= 0)
    assert np.nanmax(prior["mean"]) > 1e19  # the rates that numpy's Poisson draws refuse
    small = prior["mean"] < 1e6
    assert np.all(prior["y"][small] == np.round(prior["y"][small]))
