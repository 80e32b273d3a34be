"""Regression tests for defects of compare / learning_curve found by a third audit (cheap models only):
metric values checked against sklearn.metrics on the same folds, and models whose predictions are unusable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, PredefinedSplit
from sklearn.tree import DecisionTreeClassifier

import priorml
from priorml.audit import _metrics
from priorml.errors import PriorMLError, SpecError

SPEC = {"features": {"a": {"monotonic": "increasing"}, "b": {"monotonic": "decreasing"}}}
CLF_SPEC = {"task": "classification", **SPEC}


def _binary(n: int, seed: int, shift: float = 0.0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n)})
    p = 1 / (1 + np.exp(-6 * (X["a"].to_numpy() - X["b"].to_numpy()) + shift))
    return X, np.where(rng.uniform(size=n) < p, "well", "sick")


def _sklearn_per_split(res, positive: str) -> pd.DataFrame:
    rows = []
    for (model, split), g in res.predictions.groupby(["model", "split"]):
        yt = (g["y_true"].to_numpy() == positive).astype(int)
        p = g["prediction"].to_numpy()
        rows.append({"model": model, "split": split, "precision": skm.precision_score(yt, p > 0.5, zero_division=0),
                     "f1": skm.f1_score(yt, p > 0.5, zero_division=0), "recall": skm.recall_score(yt, p > 0.5),
                     "log_loss": skm.log_loss(yt, p, labels=[0, 1]), "brier": skm.brier_score_loss(yt, p),
                     "roc_auc": skm.roc_auc_score(yt, p), "accuracy": skm.accuracy_score(yt, p > 0.5)})
    return pd.DataFrame(rows).set_index(["model", "split"])


def test_precision_of_a_model_that_rarely_predicts_the_positive_class_is_not_flattered():
    """With 9 positives in 80 rows, logistic regression predicts no positive on some folds. Their precision
    was NaN and left out of that model's mean alone (0.667 instead of sklearn's 0.4 over all folds), and
    ``metric='precision'`` with no positive predicted anywhere left no best baseline. It is now 0 there, as
    ``sklearn.metrics.precision_score`` (and F1) give; every metric matches sklearn on every fold."""
    X, y = _binary(80, seed=2, shift=3.5)
    assert (y == "well").sum() == 9
    res = priorml.compare(CLF_SPEC, X, y, models=["linear", ("tree", DecisionTreeClassifier(random_state=0))],
                          metric="precision")
    ref = _sklearn_per_split(res, "well")
    got = res.folds.set_index(["model", "split"])
    no_positive = res.predictions.groupby(["model", "split"])["prediction"].max() <= 0.5
    assert no_positive.loc["linear"].any()  # the case of the defect
    for m in ("precision", "f1", "recall", "accuracy", "roc_auc", "brier"):
        np.testing.assert_allclose(got.loc[ref.index, m], ref[m], rtol=1e-12, err_msg=m)
    t = res.table.set_index("model")
    assert t.loc["linear", "precision_mean"] == pytest.approx(ref.loc["linear", "precision"].mean())
    assert res.best_baseline is not None and t.loc[res.best_baseline, "verdict"] == "best baseline"
    # direct: no predicted positive -> 0, no positive at all -> F1 0; recall without positives stays undefined
    s = _metrics.score("classification", np.array([1.0, 0.0]), np.array([0.2, 0.3]))
    assert s["precision"] == 0.0 and s["recall"] == 0.0 and s["f1"] == 0.0
    s = _metrics.score("classification", np.array([0.0, 0.0]), np.array([0.2, 0.3]))
    assert s["f1"] == 0.0 and np.isnan(s["recall"]) and np.isnan(s["roc_auc"])


def test_log_loss_of_hard_probabilities_matches_sklearn():
    """A tree predicts probabilities of exactly 0 and 1; the log loss clipped them at 1e-15 (34.5 per wrong
    row) where sklearn.metrics.log_loss clips at the float64 epsilon (36.0)."""
    X, y = _binary(60, seed=1)
    res = priorml.compare(CLF_SPEC, X, y, models=[("tree", DecisionTreeClassifier(random_state=0))], cv=3)
    ref = _sklearn_per_split(res, "well")
    got = res.folds.set_index(["model", "split"])
    p = res.predictions["prediction"]
    assert ((p == 0) | (p == 1)).all()
    np.testing.assert_allclose(got.loc[ref.index, "log_loss"], ref["log_loss"], rtol=1e-12)
    # pooled (leave-one-out) too
    res = priorml.compare(CLF_SPEC, X.iloc[:40], y[:40], models=[("tree", DecisionTreeClassifier(random_state=0))])
    pr = res.predictions
    yt = (pr["y_true"] == "well").astype(int)
    assert res.table["log_loss_mean"].iloc[0] == pytest.approx(skm.log_loss(yt, pr["prediction"], labels=[0, 1]),
                                                               rel=1e-12)


class _NanOnSomeSplits(RegressorMixin, BaseEstimator):
    """Predicts the training mean, and NaN for its first test row when the first training row has a < below."""

    def __init__(self, below: float = 0.3):
        self.below = below

    def fit(self, X, y):
        self.mean_ = float(np.mean(y))
        self.nan_ = float(np.asarray(X)[0, 0]) < self.below
        return self

    def predict(self, X):
        p = np.full(len(X), self.mean_)
        if self.nan_:
            p[0] = np.nan
        return p


def test_a_model_predicting_nan_is_an_error_naming_it():
    """A NaN prediction made that split's metrics NaN, and the means and intervals, which skip NaN, left the
    split out for that model alone, silently (its RMSE averaged over 2 of 3 folds)."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(0, 1, 60), "b": rng.uniform(0, 1, 60)})
    y = 2 * X["a"].to_numpy() - X["b"].to_numpy() + rng.normal(0, 0.3, 60)
    models = ["linear", ("nanny", "constrained", _NanOnSomeSplits(0.3))]
    with pytest.raises(PriorMLError, match=r"'nanny' gave unusable predictions on split 2: 1 of 20 predictions"):
        priorml.compare(SPEC, X, y, models=models, cv=3)
    with pytest.raises(PriorMLError, match=r"'nanny' gave unusable predictions on split"):
        priorml.learning_curve(SPEC, X, y, sizes=(10, 1.0), models=models, cv=3)
    # a model that predicts finite values everywhere is fine
    res = priorml.compare(SPEC, X, y, models=["linear", ("mean", "constrained", _NanOnSomeSplits(-1.0))], cv=3)
    assert np.isfinite(res.table["rmse_mean"]).all()


def test_one_row_is_refused_clearly():
    """Leave-one-out of a single row fitted every model on no rows: the error was the encoder's "X['a']:
    expected at least one non-missing value; got only missing values", about data that has no missing value."""
    X = pd.DataFrame({"a": [0.5], "b": [0.2]})
    with pytest.raises(SpecError, match=r"y: expected at least 2 rows.*got 1 row"):
        priorml.compare(SPEC, X, [1.0], models=["linear"])
    with pytest.raises(SpecError, match=r"at least 2 rows"):
        priorml.learning_curve(SPEC, X, [1.0], sizes=(1.0,), models=["linear"])
    res = priorml.compare(SPEC, pd.concat([X, X + 0.1]), [1.0, 2.0], models=["linear"])  # 2 rows: fine
    assert res.protocol["n_splits"] == 2


def test_pooled_leave_one_out_auc_carries_a_note_on_its_bias():
    """Pooled leave-one-out ROC AUC of a model predicting the training class share is 0, not 0.5: a
    comparison on that metric says so."""
    X, y = _binary(30, seed=1)
    res = priorml.compare(CLF_SPEC, X, y, models=["linear", ("prior", DummyClassifier())], metric="roc_auc")
    assert res.protocol["pooled"] and res.table.set_index("model").loc["prior", "roc_auc_mean"] == 0.0
    assert any("biased downwards" in n for n in res.notes) and "biased downwards" in str(res)
    lc = priorml.learning_curve(CLF_SPEC, X, y, sizes=(1.0,), models=["linear"], metric="roc_auc")
    assert any("biased downwards" in n for n in lc.notes)
    for kwargs in ({"metric": None}, {"metric": "roc_auc", "cv": 3}):
        assert not any("biased downwards" in n for n in priorml.compare(CLF_SPEC, X, y, models=["linear"],
                                                                        **kwargs).notes)


def test_a_primary_metric_undefined_on_the_test_parts_is_refused_or_noted():
    """With test parts of one class each, metric='roc_auc' was NaN for every model: the table said
    'no baseline' for a comparison that has one, with no reason given. Now a SpecError before any fit;
    a metric undefined on some test parts only gives a note (those splits are left out for every model)."""
    X, y = _binary(60, seed=1)
    order = np.argsort(y, kind="stable")
    X, y = X.iloc[order].reset_index(drop=True), y[order]
    n_sick = int((y == "sick").sum())
    one_class = PredefinedSplit(np.r_[np.arange(n_sick) % 2, 2 + np.arange(60 - n_sick) % 2])
    models = ["linear", ("small_c", "constrained", LogisticRegression(C=0.1))]
    with pytest.raises(SpecError, match=r"metric: .*roc_auc needs both classes.*undefined on all 4 test parts"):
        priorml.compare(CLF_SPEC, X, y, models=models, cv=one_class, metric="roc_auc")
    with pytest.raises(SpecError, match=r"roc_auc needs both classes"):
        priorml.learning_curve(CLF_SPEC, X, y, sizes=(1.0,), models=models, cv=one_class, metric="roc_auc")
    res = priorml.compare(CLF_SPEC, X, y, models=models, cv=one_class)  # the log loss is defined everywhere
    assert res.best_baseline == "linear" and not any("undefined" in n for n in res.notes)
    res = priorml.compare(CLF_SPEC, X, y, models=models, cv=KFold(3), metric="roc_auc")  # 1 of 3 parts mixed
    assert res.best_baseline == "linear"
    assert any("roc_auc is undefined on 2 of 3 test parts" in n for n in res.notes)
