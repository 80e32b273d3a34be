"""The certificate's rows: what they report, that they fail when a constraint is broken, and that a
constraint held only because the model ignores its feature is called out (the ``effect`` column)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import priorml

SPEC = {
    "features": {
        "a": {"monotonic": "increasing", "shape": "convex", "keypoints": 5},
        "b": {"monotonic": "increasing"},
        "c": {"unimodal": "peak"},
        "g": {"type": "categorical", "order": ["lo", "mid", "hi"]},
    },
    "interactions": [{"trust": "edgeworth", "feature": "a", "by": "b", "direction": "negative"},
                     {"dominance": "range", "feature": "b", "over": "a"}],
    "output": {"min": -5, "max": 15},
}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    n = 150
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n), "c": rng.uniform(-1, 1, n),
                      "g": rng.choice(["lo", "mid", "hi"], n)})
    y = (X["a"] ** 2 + 3 * X["b"] - X["c"] ** 2 + X["g"].map({"lo": 0, "mid": 0.5, "hi": 1.0})
         + rng.normal(0, 0.1, n))
    return X, y.to_numpy()


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return priorml.LatticeRegressor(SPEC, model="lattice", epochs=40, validation_fraction=0.0,
                                    learning_rate=0.05, random_state=0).fit(X, y)


def test_one_row_per_constraint_each_with_its_effect(fitted, data):
    X, y = data
    cert = priorml.certify(fitted, X, n_rows=40)
    kinds = [(r.constraint, r.features) for r in cert]
    assert kinds == [("monotonic", "a"), ("convex", "a"), ("monotonic", "b"), ("unimodal", "c"), ("order", "g"),
                     ("trust", "a | b"), ("dominance", "b > a"), ("output", "(output)")]
    assert cert.passed and not cert.vacuous
    by_kind = {(r.constraint, r.features): r for r in cert}
    assert by_kind[("output", "(output)")].effect is None
    # b's true effect spans 3 output units, a's 1: the model's effects are of that order, b's the larger
    assert by_kind[("monotonic", "b")].effect > 1.5 and 0.3 < by_kind[("monotonic", "a")].effect < 2.0
    assert by_kind[("dominance", "b > a")].effect == pytest.approx(by_kind[("monotonic", "b")].effect)
    # the effect is the mean range of the prediction along a sweep of the feature over the probed rows
    rows = X.sample(40, random_state=0)
    lo, hi = rows.copy(), rows.copy()
    lo["b"], hi["b"] = X["b"].min(), X["b"].max()
    assert by_kind[("monotonic", "b")].effect == pytest.approx(np.mean(fitted.predict(hi) - fitted.predict(lo)), rel=0.2)
    text = str(cert)
    assert text.splitlines()[1] == f"model fingerprint (SHA-256): {fitted.fingerprint()}"
    assert "effect" in text.splitlines()[2] and "holds trivially" not in text
    d = cert.to_dict()
    assert d["rows"][0]["effect"] == cert.rows[0].effect and d["rows"][0]["vacuous"] is False


def test_a_broken_constraint_fails_its_row(fitted, data, monkeypatch):
    """A prediction that falls with b (declared increasing) fails the monotonic row of b, and not the rows
    of the other features."""
    X, _ = data
    raw = fitted._raw

    def falling_in_b(Xq):
        Xq = pd.DataFrame(Xq, columns=list(X.columns)) if not hasattr(Xq, "columns") else Xq
        return raw(Xq) - 4.0 * Xq["b"].to_numpy(dtype=float)

    monkeypatch.setattr(fitted, "_raw", falling_in_b)
    cert = priorml.certify(fitted, X, n_rows=20)
    failed = {(r.constraint, r.features) for r in cert.failed}
    assert ("monotonic", "b") in failed
    assert ("monotonic", "a") not in failed and ("order", "g") not in failed and ("unimodal", "c") not in failed
    row = next(r for r in cert if (r.constraint, r.features) == ("monotonic", "b"))
    assert row.max_violation > 0.01 and "FAIL" in str(cert)


def test_a_model_that_ignores_its_features_passes_vacuously_and_says_so(fitted, data, monkeypatch):
    X, _ = data
    monkeypatch.setattr(fitted, "_raw", lambda Xq: np.full(len(Xq), 2.0))
    cert = priorml.certify(fitted, X, n_rows=20)
    assert cert.passed  # nothing is violated ...
    vac = {(r.constraint, r.features) for r in cert.vacuous}
    assert vac == {(r.constraint, r.features) for r in cert if r.constraint != "output"}  # ... but nothing is said
    text = str(cert)
    assert ("note: the prediction does not move along a, b, b > a, c, g; in the trust a | b, the effect of the feature "
            "does not change with its condition") in text
    assert all(r["vacuous"] for r in cert.to_dict()["rows"] if r["constraint"] != "output")


def test_monotonic_dominance_is_probed_over_each_feature_calibrated_range(monotone_data, fast):
    """A convex feature has lattice size 2 whatever ``lattice_size``, so the dominated feature's
    calibrated input can span [0, 2] while the dominant one spans [0, 1]. The probes were clipped to the
    dominant feature's range, so rows where the dominated input lay above 1 were silently left out;
    each input is now clipped to its own range, and the row says how many rows were probed."""
    X, _ = monotone_data
    spec = {"features": {"a": {"monotonic": "increasing", "shape": "convex"}, "b": {"monotonic": "increasing"}, "c": {}},
            "interactions": [{"dominance": "monotonic", "feature": "a", "over": "b"}]}
    model = priorml.LatticeRegressor(spec, model="lattice", lattice_size=3, **fast).fit(X, 3 * X["a"] ** 2 + X["b"])
    assert list(model.program_.plan.lattice_dims[:2]) == [2, 3]
    C = model.program_.calibrated(model.schema_.transform(model.spec_, X))
    inside = (C[:, 1] > 1.1) & (C[:, 1] < 1.9)  # the dominated input well above the dominant one's range
    assert inside.sum() >= 5
    k = int(inside.sum())
    probes, viol, domain = model._certify_monotonic_dominance(X[inside], "a", "b")
    assert domain.startswith(f"calibrated inputs of {k} of {k} rows, and a 5 x 5 grid") and probes == 4 * k * 26
    assert viol[0] <= 1e-6


def test_monotonic_dominance_is_probed_where_no_data_lie(monotone_data, fast, monkeypatch):
    """The dominance row probed the reference rows' calibrated points only, so a combiner whose slope along
    the dominated input overtook the dominant one's in a corner without data passed. The two inputs are now
    also swept together over their whole calibrated ranges at every row."""
    X, _ = monotone_data
    spec = {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "increasing"}, "c": {}},
            "interactions": [{"dominance": "monotonic", "feature": "a", "over": "b"}]}
    model = priorml.LatticeRegressor(spec, model="lattice", **fast).fit(X, 2 * X["a"] + X["b"])
    C = model.program_.calibrated(model.schema_.transform(model.spec_, X))
    ref = X[(C[:, 0] < 0.6) | (C[:, 1] < 0.6)]  # no reference row in the corner a, b > 0.6
    assert len(ref) >= 20
    head = model.program_.head

    def corner(P):  # slope 3 along b (against 2 along a) where both calibrated inputs exceed 0.7
        return head(P) + 3 * np.clip(P[:, 1] - 0.7, 0, None) * (P[:, 0] > 0.7)

    monkeypatch.setattr(model.program_, "head", corner)
    probes, viol, domain = model._certify_monotonic_dominance(ref, "a", "b")
    assert viol[0] > 0.02, domain
    # grid=1 adds only the point where both inputs are 0: as good as the reference rows alone, which miss it
    probes, viol, _ = model._certify_monotonic_dominance(ref, "a", "b", grid=1)
    assert viol[0] <= 1e-6


def test_output_bounds_are_probed_inside_each_features_range(fitted, data, monkeypatch):
    """The output row probed the reference rows and each feature at the two ends of its range only, so a
    prediction that leaves the bounds inside the range (here a narrow bump along b at a point of the probe
    grid, away from every reference row) passed. Each feature is now swept over its whole grid."""
    X, _ = data
    predict = fitted.predict  # clips to the bounds: a hand-made model that does not
    kp = fitted.schema_["b"].keypoints
    centre = float(np.linspace(kp[0], kp[-1], 33)[16])  # a point of every feature sweep's grid

    def bump_in_b(Xq):
        Xq = pd.DataFrame(Xq, columns=list(X.columns)) if not hasattr(Xq, "columns") else Xq
        b = Xq["b"].to_numpy(dtype=float)
        return predict(Xq) + 40.0 * np.exp(-(((b - centre) / 0.002) ** 2))  # the bound is 15; predictions about 0-5

    monkeypatch.setattr(fitted, "predict", bump_in_b)
    far = X[np.abs(X["b"] - centre) > 0.02]
    assert fitted.predict(far).max() < 15 and fitted.predict(far.assign(b=centre)).min() > 15
    cert = priorml.certify(fitted, far, n_rows=20)
    row = next(r for r in cert if r.constraint == "output")
    assert not row.passed and row.max_violation > 10
    assert "over its grid" in row.domain


def test_every_posterior_draw_is_probed():
    """A Bayesian certificate probed at most 1000 posterior draws (a random subset), so a model with more
    draws, one of which breaks a constraint, could pass. Every draw is now probed."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backends" / "bayes"))
    from bayes_helpers import prior_model

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(size=60), "b": rng.uniform(size=60)})
    y = X["a"].to_numpy() + rng.normal(0, 0.1, 60)
    model = prior_model({"features": {"a": {"monotonic": "increasing"}, "b": {}}}, X, y, draws=1200)
    term = model.program_.terms[0]
    assert model.program_.n_draws == 1200 and term.name == "f_0"
    model.program_.draws[term.name][1] *= -1  # one draw of a's effect reversed: decreasing
    falls = model.predict_draws(X.assign(a=0.0)) - model.predict_draws(X.assign(a=1.0))
    assert np.flatnonzero(falls.max(axis=1) > 1e-6).tolist() == [1]
    cert = priorml.certify(model, X, n_rows=10)
    row = cert.rows[0]
    assert row.constraint == "monotonic" and not row.passed
    assert row.draws_share == pytest.approx(1199 / 1200)
    assert row.domain.endswith("x 1200 posterior draws")
