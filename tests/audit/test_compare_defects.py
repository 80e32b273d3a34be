"""Regression tests for defects of compare / learning_curve found by a second audit (cheap models only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.model_selection import KFold

import priorml
from priorml.errors import SpecError

SPEC = {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}}}


def _regression(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n)})
    return X, 2 * X["a"].to_numpy() - X["b"].to_numpy() + rng.normal(0, 0.3, n)


def _half_width(d: np.ndarray, ratio: float) -> float:
    J = len(d)
    return float(stats.t.ppf(0.975, J - 1) * np.sqrt((1 / J + ratio) * np.var(d, ddof=1)))


def test_learning_curve_intervals_use_the_training_rows_of_each_size():
    """Nadeau-Bengio's n_test / n_train is that of the fits made: at 10 training rows tested on 30 rows the
    correction term is 3, not the 0.5 of the full 60-row training parts (which made intervals far too narrow
    and called differences at small sizes significant)."""
    X, y = _regression(90)
    lc = priorml.learning_curve(SPEC, X, y, sizes=(10, 1.0), models=["linear", "hist_gradient_boosting"], cv=3)
    t = lc.table.set_index(["n_train", "model"])
    best = dict(zip(lc.payoff["n_train"], lc.payoff["best_baseline"]))
    for k in (10, 60):
        per = lc.folds[lc.folds["n_train"] == k].pivot(index="split", columns="model", values="rmse")
        other = "linear" if best[k] == "hist_gradient_boosting" else "hist_gradient_boosting"
        d = (per[other] - per[best[k]]).to_numpy()
        row = t.loc[(k, other)]
        assert row["diff_ci_high"] - row["diff_ci_low"] == pytest.approx(2 * _half_width(d, 30 / k), rel=1e-9)
    # the change between sizes: paired by split, with the smaller size's (larger) correction term
    md = lc.more_data.set_index("model")
    for name in ("linear", "hist_gradient_boosting"):
        wide = lc.folds[lc.folds["model"] == name].pivot(index="split", columns="n_train", values="rmse")
        d = (wide[60] - wide[10]).to_numpy()
        assert md.loc[name, "ci_high"] - md.loc[name, "ci_low"] == pytest.approx(2 * _half_width(d, 30 / 10),
                                                                                   rel=1e-9)


def test_compare_interval_still_uses_the_full_training_parts():
    X, y = _regression(60)
    res = priorml.compare(SPEC, X, y, models=["linear", "hist_gradient_boosting"], cv=3)
    per = res.folds.pivot(index="split", columns="model", values="rmse")
    other = next(m for m in per.columns if m != res.best_baseline)
    d = (per[other] - per[res.best_baseline]).to_numpy()
    row = res.table.set_index("model").loc[other]
    assert row["diff_ci_high"] - row["diff_ci_low"] == pytest.approx(2 * _half_width(d, 20 / 40), rel=1e-9)


@pytest.mark.parametrize("levels, rare", [((0.5, 1.5), 2.5), ((False,), True)])
def test_undeclared_levels_that_are_not_text_or_integers_only_in_a_test_fold(levels, rare):
    """A fractional or boolean level present in one row only (a leave-one-out test fold) was an error
    ('expected a category seen in training'); it is declared by its text, as the spec matches categories."""
    X, y = _regression(30)
    g = np.array([levels[i % len(levels)] for i in range(30)], dtype=object)
    g[7] = rare
    X = X.assign(g=g.astype(type(rare)))
    spec = {"features": {**SPEC["features"], "g": {"type": "categorical"}}}
    X0 = X.copy()
    res = priorml.compare(spec, X, y, models=["linear", "hist_gradient_boosting"])
    pd.testing.assert_frame_equal(X, X0)
    assert res.protocol["name"] == "loo" and any("categories of 'g'" in n for n in res.notes)
    assert np.isfinite(res.table["rmse_mean"]).all()
    # the same numbers as with the levels declared as text in the spec
    texts = sorted({str(v) for v in X["g"]})
    declared = {"features": {**SPEC["features"], "g": {"type": "categorical", "categories": texts}}}
    ref = priorml.compare(declared, X, y, models=["linear", "hist_gradient_boosting"])
    np.testing.assert_allclose(res.table["rmse_mean"], ref.table["rmse_mean"], rtol=1e-12)


def test_a_splitter_whose_training_rows_hold_one_class_is_refused_naming_cv():
    """Unshuffled KFold on labels sorted by class leaves a training part with one class: this was a model
    failure ('np.str_('well') is not in list') rather than a SpecError naming cv."""
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.uniform(0, 1, 60), "b": rng.uniform(0, 1, 60)})
    y = np.array(["sick"] * 40 + ["well"] * 20)
    spec = {"task": "classification", **SPEC}
    for models in (["random_forest"], ["linear"]):
        with pytest.raises(SpecError, match=r"cv: expected splits whose training rows contain both classes.*"
                                            r"split 2: training class counts \[40, 0\].*StratifiedKFold"):
            priorml.compare(spec, X, y, models=models, cv=KFold(3))
    with pytest.raises(SpecError, match="cv:"):
        priorml.learning_curve(spec, X, y, sizes=(10, 1.0), models=["linear"], cv=KFold(3))
    # a splitter whose training parts hold both classes still works, even with a one-class test fold
    y2 = np.r_[["sick"] * 20, np.where(np.arange(40) % 2, "sick", "well")]
    ok = priorml.compare(spec, X, y2, models=["linear"], cv=KFold(3))
    assert ok.folds["roc_auc"].isna().tolist() == [True, False, False]
    assert np.isfinite(ok.table["log_loss_mean"]).all()


def test_levels_are_declared_for_an_order_whose_chains_share_a_category():
    """Heart's thal: order [[normal, fixed], [normal, reversible]], no categories. The shared helper that
    declares levels counted the order's members with repeats (4) against the distinct levels (3 + 1 new),
    so a new level was never declared: compare stopped on a level seen only in a test fold, and the drift
    monitor's baseline could not score it."""
    from priorml.audit._engine import _declare_categories
    from priorml.audit.drift import _with_levels

    spec = priorml.Spec.from_dict({"features": {"x": {}, "thal": {"type": "categorical",
                                                                   "order": [["normal", "fixed"], ["normal", "reversible"]]}}})
    X = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "thal": ["normal", "fixed", "reversible", "1"]})
    declared, notes = _declare_categories(spec, X)
    assert declared["thal"].categories == ("normal", "fixed", "reversible", "1") and notes
    later = _with_levels(spec, X.iloc[:3], [X.iloc[3:]])
    assert later["thal"].categories == ("normal", "fixed", "reversible", "1")
