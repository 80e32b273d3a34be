"""Property-based: random specs and data -> every fitted lattice model certifies.

Each example draws a spec (monotone, convex/concave, unimodal, ordered
categories, output bounds, trust, dominance), data with a signal in it, and a
model type; the fitted model must pass every row of its certificate and must
not be trivially flat.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import priorml

FAST = dict(epochs=15, validation_fraction=0.0, learning_rate=0.05)


@st.composite
def problems(draw):
    n_num = draw(st.integers(2, 4))
    feats: dict[str, dict] = {}
    for i in range(n_num):
        kind = draw(st.sampled_from(["mono", "mono_shape", "shape", "unimodal", "free"]))
        f: dict = {}
        if kind in ("mono", "mono_shape"):
            f["monotonic"] = draw(st.sampled_from(["increasing", "decreasing"]))
        if kind in ("mono_shape", "shape"):
            f["shape"] = draw(st.sampled_from(["convex", "concave"]))
        if kind == "unimodal":
            f["unimodal"] = draw(st.sampled_from(["peak", "valley"]))
        f["keypoints"] = draw(st.integers(2, 8))
        feats[f"x{i}"] = f
    with_cat = draw(st.booleans())
    if with_cat:
        feats["g"] = {"type": "categorical", "order": draw(st.sampled_from([["a", "b", "c"], [["a", "b"], ["a", "c"]]]))}
    model = draw(st.sampled_from(["linear", "lattice", "ensemble"]))
    monos = [n for n, f in feats.items() if f.get("monotonic")]
    interactions = []
    if monos and draw(st.booleans()):
        main = draw(st.sampled_from(monos))
        # the lattice backend refuses a curved, non-monotone trust condition (tested in the catalogue)
        others = [n for n in feats if n != main and n != "g"
                  and (feats[n].get("monotonic") or not (feats[n].get("shape") or feats[n].get("unimodal")))]
        if others:
            kind = "edgeworth" if model == "linear" else draw(st.sampled_from(["edgeworth", "trapezoid"]))
            interactions.append({"trust": kind, "feature": main, "by": draw(st.sampled_from(others)),
                                 "direction": draw(st.sampled_from(["positive", "negative"]))})
    same = [(a, b) for a in monos for b in monos if a < b and feats[a]["monotonic"] == feats[b]["monotonic"]]
    trust_mains = {t["feature"] for t in interactions}
    trust_bys = {t["by"] for t in interactions}
    if same and draw(st.booleans()):
        a, b = draw(st.sampled_from(same))
        interactions.append({"dominance": draw(st.sampled_from(["monotonic", "range"])), "feature": a, "over": b})
    seed = draw(st.integers(0, 10_000))
    n = draw(st.integers(60, 120))
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({name: rng.uniform(-1, 2, n) for name in feats if name != "g"})
    if with_cat:
        X["g"] = rng.choice(["a", "b", "c"], n)
    y = np.zeros(n)
    for name, f in feats.items():  # a truth that obeys the spec, so a good fit is not flat
        if name == "g":
            y += abs(rng.normal()) * X[name].map({"a": 0.0, "b": 1.0, "c": 2.0}).to_numpy()
            continue
        x = X[name].to_numpy()
        if f.get("unimodal"):
            y += (-1 if f["unimodal"] == "peak" else 1) * (x - 0.5) ** 2
            continue
        curve = {"convex": (x + 1) ** 2 / 3, "concave": -((2 - x) ** 2) / 3}.get(f.get("shape"), x)
        sign = {"increasing": 1, "decreasing": -1}.get(f.get("monotonic"))
        if sign is not None and f.get("shape"):  # a monotone curve of the declared curvature and direction
            curve = {("convex", 1): (x + 1) ** 2, ("concave", 1): -((2 - x) ** 2), ("convex", -1): (2 - x) ** 2,
                     ("concave", -1): -((x + 1) ** 2)}[(f["shape"], sign)] / 3
            sign = 1
        y += (sign if sign is not None else rng.choice([-1, 1])) * (0.5 + abs(rng.normal())) * curve
    y += rng.normal(0, 0.3, n)
    spec_dict = {"features": feats}
    if interactions and not (trust_mains & trust_bys):
        spec_dict["interactions"] = interactions
    if draw(st.booleans()):
        lo, hi = np.quantile(y, [0.1, 0.9])
        spec_dict["output"] = {"min": float(lo), "max": float(hi)}
    return priorml.Spec.from_dict(spec_dict), X, y, model, seed


def _check(spec, X, y, model, seed):
    reg = priorml.LatticeRegressor(spec, model=model, random_state=seed, **FAST).fit(X, y)
    cert = priorml.certify(reg, X, n_rows=60)
    assert len(cert) >= sum(1 for f in spec.features if getattr(f, "is_constrained", False))
    assert cert.passed, f"\n{spec.to_yaml()}\nmodel={model}\n{cert}"
    pred = reg.predict(X)
    assert np.ptp(pred) > 0.02 * np.ptp(y), "model is trivially flat"


@settings(max_examples=10, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
@given(problems())
def test_random_specs_certify(case):
    _check(*case)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
@given(problems())
def test_random_specs_certify_many(case):
    _check(*case)


def _collapsing_case():
    """Found by ``test_random_specs_certify_many`` (2026-11-23): both features decreasing, trapezoid trust
    of x1 by x0, range dominance of x0 over x1, output bounds, lattice ensemble. Before the final
    projection was repeated until the kernel stops moving, range dominance was also violated."""
    seed, n = 423, 83
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({name: rng.uniform(-1, 2, n) for name in ("x0", "x1")})
    y = np.zeros(n)
    for name in ("x0", "x1"):
        y -= (0.5 + abs(rng.normal())) * X[name].to_numpy()
    y += rng.normal(0, 0.3, n)
    lo, hi = np.quantile(y, [0.1, 0.9])
    spec = priorml.Spec.from_dict({
        "features": {"x0": {"monotonic": "decreasing", "keypoints": 3}, "x1": {"monotonic": "decreasing", "keypoints": 2}},
        "interactions": [{"trust": "trapezoid", "feature": "x1", "by": "x0", "direction": "positive"},
                         {"dominance": "range", "feature": "x0", "over": "x1"}],
        "output": {"min": float(lo), "max": float(hi)}})
    return spec, X, y, "ensemble", seed


@pytest.mark.xfail(strict=True, reason="known limitation: trapezoid trust of x1 by x0 together with range dominance "
                   "of x0 over x1 leaves every 2 x 2 lattice of the model flat (all vertex values equal after the final "
                   "projection); the constraints hold, but the model is trivially flat. The compiler should refuse or "
                   "warn about this combination up front (not done yet).")
def test_known_collapse_of_trapezoid_trust_with_range_dominance():
    _check(*_collapsing_case())


@pytest.mark.parametrize("model", ["lattice", "ensemble"])
def test_range_dominance_holds_with_output_bounds(model):
    """TFL's per-step projection left range dominance with output bounds violated by 0.08 (output units) on
    this case; the final projection is now repeated until the kernel stops moving."""
    spec, X, y, _, seed = _collapsing_case()
    d = spec.to_dict()
    d["interactions"] = [i for i in d["interactions"] if "dominance" in i]
    _check(priorml.Spec.from_dict(d), X, y, model, seed)
