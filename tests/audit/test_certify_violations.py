"""The certificate fails the row of a broken constraint, and only that row.

The fitted model's ``predict`` is replaced by a hand-made function of the features (the certificate probes
predictions, so it must see what they do): a clean one that obeys every constraint of the spec, and
variants that break exactly one. Then the defects this file guards against: a violation measured between
neighbouring grid points only (so a slow one of many tolerances passed), a tolerance with a floor of one
output unit (a target in small units passed anything), a trust ``effect`` that measured the main effects,
a trust grid that skipped keypoints, and output bounds never probed with several features at an end at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import priorml

SPEC = {
    "features": {
        "a": {"monotonic": "increasing", "shape": "convex", "keypoints": 20},
        "b": {"monotonic": "increasing", "keypoints": 20},
        "c": {"unimodal": "peak"},
        "g": {"type": "categorical", "order": ["lo", "mid", "hi"]},
    },
    "interactions": [{"trust": "edgeworth", "feature": "a", "by": "b", "direction": "negative"},
                     {"dominance": "range", "feature": "b", "over": "a"}],
    "output": {"min": -5, "max": 15},
}
ROWS = [("monotonic", "a"), ("convex", "a"), ("monotonic", "b"), ("unimodal", "c"), ("order", "g"),
        ("trust", "a | b"), ("dominance", "b > a"), ("output", "(output)")]
LEVELS = {"lo": 0.0, "mid": 0.5, "hi": 1.0}


def _cols(Xq):
    a, b, c = (np.asarray(Xq[k], dtype=float) for k in "abc")
    return a, b, c, Xq["g"].map(LEVELS).to_numpy(dtype=float)


def clean(Xq):
    """Obeys every constraint on a, b in [0, 1], c in [-1, 1]: slope along a 2a + 1 - b/2 > 0 and convex;
    along b 3 - a/2 > 0; mixed difference -1/2 (negative trust); range along a 2 - b/2 < range along b
    3 - a/2; a peak at c = 0; output within [-1, 6]."""
    a, b, c, g = _cols(Xq)
    return a ** 2 + a - 0.5 * a * b + 3 * b - c ** 2 + g


BROKEN = {  # each breaks one constraint and keeps the others
    ("monotonic", "a"): lambda a, b, c, g: 3 * (a - 0.3) ** 2 - 0.5 * a * b + 3 * b - c ** 2 + g,  # convex, falls first
    ("convex", "a"): lambda a, b, c, g: 3 * a - a ** 2 - 0.5 * a * b + 3 * b - c ** 2 + g,  # concave, still rising
    ("monotonic", "b"): lambda a, b, c, g: a ** 2 + a - 0.5 * a * b + 3.5 * b - 5 * np.maximum(b - 0.9, 0) - c ** 2 + g,
    ("unimodal", "c"): lambda a, b, c, g: a ** 2 + a - 0.5 * a * b + 3 * b - 4 * (c ** 2 - 0.25) ** 2 + g,  # two peaks
    ("order", "g"): lambda a, b, c, g: a ** 2 + a - 0.5 * a * b + 3 * b - c ** 2 + np.where(g == 0.5, 1.5, g),
    ("trust", "a | b"): lambda a, b, c, g: a ** 2 + a + 0.5 * a * b + 3 * b - c ** 2 + g,  # slope along a grows with b
    ("dominance", "b > a"): lambda a, b, c, g: 2 * (a ** 2 + a) - 0.5 * a * b + 3 * b - c ** 2 + g,
    ("output", "(output)"): lambda a, b, c, g: a ** 2 + a - 0.5 * a * b + 3 * b - c ** 2 + g + 12,
}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(5)
    n = 120
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n), "c": rng.uniform(-1, 1, n),
                      "g": rng.choice(["lo", "mid", "hi"], n)})
    return X, clean(X) + rng.normal(0, 0.1, n)


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return priorml.LatticeRegressor(SPEC, model="lattice", epochs=2, validation_fraction=0.0,
                                    random_state=0).fit(X, y)


def _certify(model, X, monkeypatch, f, **kw):
    monkeypatch.setattr(model, "predict", f)
    return priorml.certify(model, X, n_rows=kw.pop("n_rows", 20), **kw)


def test_the_clean_function_passes_every_row(fitted, data, monkeypatch):
    X, _ = data
    cert = _certify(fitted, X, monkeypatch, clean)
    assert [(r.constraint, r.features) for r in cert] == ROWS
    assert cert.passed and not cert.vacuous, str(cert)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r[0] + "-" + r[1][0])
def test_a_broken_constraint_fails_its_row_and_only_it(fitted, data, monkeypatch, row):
    X, _ = data
    cert = _certify(fitted, X, monkeypatch, lambda Xq: BROKEN[row](*_cols(Xq)))
    assert [(r.constraint, r.features) for r in cert.failed] == [row], str(cert)
    assert cert.failed[0].max_violation > 100 * cert.failed[0].tolerance
    assert "1 constraint(s) violated" in str(cert)


def test_a_violation_is_its_whole_size_not_the_largest_step_of_the_grid(fitted, data, monkeypatch):
    """A fall of 5e-4 spread over the sweep of a (about 10 tolerances), or a concave arc of sagitta 2e-3 on
    an increasing a, was measured between neighbouring grid points only (a fall per step, a chord of two
    neighbours), a fraction of the tolerance, and passed. The whole fall and the height above the
    chord of any two points are measured now."""
    X, _ = data
    def a_falls(Xq):  # a's whole effect replaced by a rise and fall of 5e-4
        a, b, _, _ = _cols(Xq)
        return clean(Xq) - (a ** 2 + a - 0.5 * a * b) + 5e-4 * np.sin(np.pi * a)

    cert = _certify(fitted, X, monkeypatch, a_falls)
    row = cert.rows[0]
    assert (row.constraint, row.features) == ("monotonic", "a") and not row.passed
    assert row.max_violation == pytest.approx(5e-4, rel=0.02)
    a_arc = lambda Xq: clean(Xq) - _cols(Xq)[0] ** 2 + 2e-3 * np.sin(np.pi * _cols(Xq)[0])  # noqa: E731
    cert = _certify(fitted, X, monkeypatch, a_arc)
    assert [(r.constraint, r.features) for r in cert.failed] == [("convex", "a")]
    assert cert.failed[0].max_violation == pytest.approx(2e-3, rel=0.02)


def test_unimodal_violation_is_the_whole_fall_before_the_peak(fitted, data, monkeypatch):
    X, _ = data
    def bump(Xq):  # c's effect: a peak of 1e-2 at c = 0.5, and before it a bump of 2e-4 on [-1, -0.5]
        c = _cols(Xq)[2]
        return (clean(Xq) + c ** 2 + 1e-2 * np.maximum(0, 1 - np.abs(c - 0.5) / 0.75)
                + 2e-4 * np.sin(2 * np.pi * np.clip(c + 1, 0, 0.5)))

    cert = _certify(fitted, X, monkeypatch, bump)
    assert [(r.constraint, r.features) for r in cert.failed] == [("unimodal", "c")]
    assert cert.failed[0].max_violation == pytest.approx(2e-4, rel=0.05)


def test_the_tolerance_is_in_the_units_of_the_target(data, monkeypatch):
    """With a floor of 1 on the tolerance's scale, a target in small units (here 1e-6) made every row
    vacuous and let a reversed effect pass."""
    X, y = data
    fitted = priorml.LatticeRegressor(SPEC, model="lattice", epochs=2, validation_fraction=0.0,
                                      random_state=0).fit(X, 1e-6 * y)  # a model of a target in units of 1e-6
    cert = _certify(fitted, X, monkeypatch, lambda Xq: 1e-6 * clean(Xq))
    assert cert.passed and not cert.vacuous, str(cert)
    assert cert.rows[0].tolerance < 1e-9 and cert.rows[0].tolerance == 1e-5 * fitted.schema_.y_scale
    cert = _certify(fitted, X, monkeypatch, lambda Xq: 1e-6 * BROKEN[("monotonic", "b")](*_cols(Xq)))
    assert [(r.constraint, r.features) for r in cert.failed] == [("monotonic", "b")]


def test_trust_effect_is_the_size_of_the_interaction(fitted, data, monkeypatch):
    """The trust row's effect was the range of the prediction over the a x b grid, i.e. the main effects,
    so a model without any interaction (the trust holds trivially) looked like a real one. It is now how
    much the range along a changes along b: here 2 - b/2 changes by 1/2."""
    X, _ = data
    cert = _certify(fitted, X, monkeypatch, clean)
    trust = next(r for r in cert if r.constraint == "trust")
    assert trust.effect == pytest.approx(0.5, rel=0.02)
    additive = lambda Xq: clean(Xq) + 0.5 * _cols(Xq)[0] * _cols(Xq)[1]  # noqa: E731
    cert = _certify(fitted, X, monkeypatch, additive)
    assert cert.passed
    assert [(r.constraint, r.features) for r in cert.vacuous] == [("trust", "a | b")]
    assert "in the trust a | b, the effect of the feature does not change with its condition" in str(cert)
    assert "does not move along" not in str(cert)
    assert cert.to_dict()["rows"][5]["vacuous"] is True


def _old_trust_grid(kp: np.ndarray) -> np.ndarray:
    """The 9 points of the full sweep's grid that the trust row probed before keypoints were added."""
    g = np.unique(np.concatenate([kp, (kp[:-1] + kp[1:]) / 2, np.linspace(kp[0], kp[-1], 33)]))
    return g[np.unique(np.linspace(0, len(g) - 1, 9).round().astype(int))]


def test_trust_is_probed_at_every_keypoint(fitted, data, monkeypatch):
    """A trust violation confined to the two keypoint cells around one keypoint of b, between two points of
    the old 9 x 9 grid, summed with its opposite neighbour to zero on that grid and passed. The trust grid
    now holds both features' keypoints, where both backends' surfaces may bend."""
    X, _ = data
    kb = np.asarray(fitted.schema_["b"].keypoints)
    old = _old_trust_grid(kb)
    j = next(j for j in range(1, len(kb) - 1) if not ((old > kb[j - 1]) & (old < kb[j + 1])).any())
    ka = np.asarray(fitted.schema_["a"].keypoints)
    a0 = ka[len(ka) // 2]

    def bent(Xq):  # the slope along a grows by 0.1 where b nears kb[j], against the negative trust
        a, b, _, _ = _cols(Xq)
        tent = np.maximum(0, 1 - np.abs(b - kb[j]) / np.where(b < kb[j], kb[j] - kb[j - 1], kb[j + 1] - kb[j]))
        return clean(Xq) + 0.1 * np.maximum(a - a0, 0) * tent

    cert = _certify(fitted, X, monkeypatch, bent)
    assert [(r.constraint, r.features) for r in cert.failed] == [("trust", "a | b")], str(cert)
    assert cert.failed[0].max_violation > 0.002
    assert "keypoints" in cert.failed[0].domain


def test_output_bounds_are_probed_with_several_features_at_an_end_at_once(fitted, monkeypatch):
    """Reference rows whose a, b and (c + 1) / 2 share a budget (sum near 1): no row, and no sweep of one
    feature, gets above 12, but the additive prediction reaches 18 where all three are high. Corners of
    the features' ranges are probed now."""
    rng = np.random.default_rng(0)
    W = rng.dirichlet([1, 1, 1], 40)
    X = pd.DataFrame({"a": W[:, 0], "b": W[:, 1], "c": 2 * W[:, 2] - 1, "g": "lo"})
    f = lambda Xq: 6 * (_cols(Xq)[0] + _cols(Xq)[1] + (_cols(Xq)[2] + 1) / 2)  # noqa: E731
    cert = _certify(fitted, X, monkeypatch, f)
    row = cert.rows[-1]
    assert row.constraint == "output" and not row.passed and row.max_violation > 2
    assert "corners" in row.domain
    assert f(X).max() < 7 and f(X.assign(a=1.0)).max() < 12.5


def test_the_tolerance_does_not_grow_with_an_offset_of_the_target(fitted, data, monkeypatch):
    """The tolerance was 1e-5 times the size of the predictions, so a target near 101325 (pressure in Pa) was
    held to 1.01 and a fall of 0.15 along b passed. It is 1e-5 times the target's sd at fit now (or the
    spread of the predictions): an offset changes nothing."""
    X, _ = data
    offset = 101325.0
    near_zero = _certify(fitted, X, monkeypatch, clean)
    far = _certify(fitted, X, monkeypatch, lambda Xq: clean(Xq) + offset)
    # the spec's output bounds [-5, 15] are broken by the offset itself; every other row holds, none vacuous
    assert [r.constraint for r in far.failed] == ["output"] and not far.vacuous
    assert far.rows[0].tolerance == near_zero.rows[0].tolerance == 1e-5 * fitted.schema_.y_scale
    broken = _certify(fitted, X, monkeypatch, lambda Xq: BROKEN[("monotonic", "b")](*_cols(Xq)) + offset)
    assert [(r.constraint, r.features) for r in broken.failed] == [("monotonic", "b"), ("output", "(output)")], \
        str(broken)


def test_the_tolerance_does_not_depend_on_the_reference_rows(fitted, data):
    """It came from the reference rows' own predictions, so one row with a prediction near 0 gave a tolerance
    of 1e-8 and float32 noise of a model that obeys its constraints failed it."""
    X, _ = data
    tols = {n: priorml.certify(fitted, X, n_rows=n).rows[0].tolerance for n in (1, 3, 50)}
    assert set(tols.values()) == {1e-5 * fitted.schema_.y_scale}


def test_a_trust_violation_is_its_whole_size_not_a_cell_of_the_grid(fitted, data, monkeypatch):
    """A reversed interaction of total size 0.0015 (about 100 tolerances) spreads over some 300 cells of the
    trust grid, each a fraction of the tolerance, and passed as not even vacuous: it is measured over every
    rectangle of the grid now."""
    X, _ = data
    reversed_ = lambda Xq: clean(Xq) + 0.5015 * _cols(Xq)[0] * _cols(Xq)[1]  # noqa: E731  mixed +0.0015 > 0
    cert = _certify(fitted, X, monkeypatch, reversed_)
    assert [(r.constraint, r.features) for r in cert.failed] == [("trust", "a | b")], str(cert)
    assert cert.failed[0].max_violation == pytest.approx(0.0015, rel=0.05)


def test_a_trapezoid_violation_is_its_whole_size(data):
    """The trapezoid row compared neighbouring values of the condition only; a slow narrowing passed."""
    X, _ = data
    spec = {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "increasing"}},
            "interactions": [{"trust": "trapezoid", "feature": "a", "by": "b", "direction": "positive"}]}
    model = priorml.LatticeRegressor(spec, model="lattice", epochs=2, validation_fraction=0.0,
                                     random_state=0).fit(X[["a", "b"]], X["a"] + X["b"])
    narrowing = lambda Xq: np.asarray(Xq["a"], dtype=float) * (1 - 0.002 * np.asarray(Xq["b"], dtype=float))  # noqa: E731
    model.predict = narrowing
    cert = priorml.certify(model, X[["a", "b"]], n_rows=20)
    trust = next(r for r in cert if r.constraint == "trust")
    assert not trust.passed and trust.max_violation == pytest.approx(0.002, rel=0.05), str(cert)


def test_feature_names_holding_the_separator_print(data, monkeypatch):
    """A vacuous trust row was split back into its two names at " | ", which a name may hold: str() raised."""
    X, y = data
    X2 = X.rename(columns={"a": "dose | mg"})
    spec = {"features": {"dose | mg": {"monotonic": "increasing"}, "b": {"monotonic": "increasing"}},
            "interactions": [{"trust": "edgeworth", "feature": "dose | mg", "by": "b", "direction": "positive"}]}
    model = priorml.LatticeRegressor(spec, model="linear", epochs=2, validation_fraction=0.0,
                                     random_state=0).fit(X2, y)
    text = str(priorml.certify(model, X2, n_rows=10))
    assert "in the trust dose | mg | b, the effect of the feature does not change with its condition" in text


@pytest.mark.parametrize("how", ["integer labels", "array without a spec"])
def test_certify_reads_columns_as_the_model_does(data, how):
    """certify selected columns by the spec's names: a model fitted on a DataFrame with integer column labels,
    or on an array without a spec and given a DataFrame, predicted but could not be certified (KeyError)."""
    X, y = data
    Xn = X[["a", "b"]].set_axis([0, 1], axis=1)
    model = priorml.LatticeRegressor(None, model="linear", epochs=2, validation_fraction=0.0, random_state=0)
    if how == "integer labels":
        model.fit(Xn, y)
    else:
        model.fit(Xn.to_numpy(), y)
    cert = priorml.certify(model, Xn, n_rows=10)
    assert cert.n_rows == 10 and cert.passed


@pytest.mark.parametrize("model, X, kw, where", [
    (priorml.Spec.from_dict(SPEC), "X", {}, r"model: expected a fitted priorml estimator.*certify\(model, X\)"),
    ("fitted", None, {}, r"X: expected reference rows"),
    ("fitted", "X", {"random_state": "x"}, r"random_state: expected an integer"),
    ("fitted", "X", {"random_state": -1}, r"random_state: expected an integer"),
], ids=["spec first", "X None", "text seed", "negative seed"])
def test_bad_arguments_to_certify_are_data_errors(fitted, data, model, X, kw, where):
    model = fitted if isinstance(model, str) else model
    X = data[0] if X == "X" else X
    with pytest.raises(priorml.DataError, match=where):
        priorml.certify(model, X, **kw)
