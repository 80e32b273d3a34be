"""Metrics and paired intervals for comparisons.

Regression: ``rmse``, ``mae``, ``r2``. Binary classification (positive class
= the larger label, as in the priorml classifiers; predicted label =
probability > 0.5): ``accuracy``, ``precision``, ``recall``, ``f1``,
``roc_auc``, ``log_loss`` (probabilities clipped to [eps, 1 - eps], eps the
float64 machine epsilon, as scikit-learn does) and ``brier``; every defined
value is that of ``sklearn.metrics`` on the same rows. A metric that is
undefined on a set of rows because of the rows themselves (R2 on one row or a
constant target, ROC AUC without both classes, recall without a positive row)
is NaN, never an error (scikit-learn warns and gives 0 or NaN): it is
undefined for every model alike, so the mean over splits leaves the same
splits out for all. Precision without a predicted positive and F1 without
any positive (predicted or true) are 0, scikit-learn's ``zero_division=0``:
whether they are defined depends on the model's own predictions, and leaving
those splits out of a model's mean would flatter a model that rarely
predicts the positive class.

Two intervals for the paired difference of a metric between two models:

* :func:`corrected_t_interval`, the Nadeau-Bengio corrected resampled t
  interval for per-split differences from (repeated) k-fold CV. Training sets
  of different folds overlap, so the split-to-split differences are
  positively correlated and the plain t interval is too narrow; Nadeau and
  Bengio (2003, "Inference for the generalization error", Machine Learning
  52) replace the variance factor ``1/J`` by ``1/J + n_test/n_train``.
* :func:`paired_bootstrap_interval`, a percentile bootstrap over rows of the
  pooled out-of-fold predictions, for leave-one-out, where per-split metrics
  are undefined. It treats the fitted models as fixed, so it does not include
  the variability due to the training sample.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["REGRESSION_METRICS", "CLASSIFICATION_METRICS", "LOWER_IS_BETTER", "metrics_for", "score",
           "corrected_t_interval", "paired_bootstrap_interval", "PRIMARY"]

REGRESSION_METRICS = ("rmse", "mae", "r2")
CLASSIFICATION_METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", "brier")
LOWER_IS_BETTER = frozenset({"rmse", "mae", "log_loss", "brier"})
#: the default primary metric of each task: proper, continuous, defined on every fold
PRIMARY = {"regression": "rmse", "classification": "log_loss"}
#: probabilities are clipped to [EPS, 1 - EPS] in the log loss, as ``sklearn.metrics.log_loss`` does
EPS = float(np.finfo(np.float64).eps)


def metrics_for(task: str) -> tuple[str, ...]:
    return REGRESSION_METRICS if task == "regression" else CLASSIFICATION_METRICS


def _rmse(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.sqrt(np.mean((y - p) ** 2)))


def _mae(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean(np.abs(y - p)))


def _r2(y: np.ndarray, p: np.ndarray) -> float:
    ss = float(np.sum((y - np.mean(y)) ** 2))
    if len(y) < 2 or ss <= 1e-300:
        return float("nan")
    return 1.0 - float(np.sum((y - p) ** 2)) / ss


def _labels(p: np.ndarray) -> np.ndarray:
    return (p > 0.5).astype(int)


def _accuracy(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean(_labels(p) == y))


def _precision(y: np.ndarray, p: np.ndarray) -> float:
    pred = _labels(p)
    n = int(pred.sum())
    return float(np.sum((pred == 1) & (y == 1)) / n) if n else 0.0  # zero_division=0: see the module notes


def _recall(y: np.ndarray, p: np.ndarray) -> float:
    n = int(np.sum(y == 1))
    return float(np.sum((_labels(p) == 1) & (y == 1)) / n) if n else float("nan")


def _f1(y: np.ndarray, p: np.ndarray) -> float:
    pred = _labels(p)
    tp = float(np.sum((pred == 1) & (y == 1)))
    denom = float(pred.sum() + np.sum(y == 1))
    return 2 * tp / denom if denom else 0.0  # zero_division=0: see the module notes


def _roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    n1 = int(np.sum(y == 1))
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    from scipy.stats import rankdata

    ranks = rankdata(p)  # ties get their average rank: the Mann-Whitney statistic
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    q = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log1p(-q)))


def _brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


_FUNCS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "rmse": _rmse, "mae": _mae, "r2": _r2, "accuracy": _accuracy, "precision": _precision, "recall": _recall,
    "f1": _f1, "roc_auc": _roc_auc, "log_loss": _log_loss, "brier": _brier,
}


def score(task: str, y: np.ndarray, pred: np.ndarray, names: tuple[str, ...] | None = None) -> dict[str, float]:
    """Every metric of the task (or ``names``) on one set of rows.

    ``y`` is the target (regression) or the class code 0/1; ``pred`` the
    prediction or the probability of class 1.
    """
    y = np.asarray(y, dtype=float)
    pred = np.asarray(pred, dtype=float)
    return {m: _FUNCS[m](y, pred) for m in (names or metrics_for(task))}


def corrected_t_interval(d: np.ndarray, test_train_ratio: float, confidence: float) -> tuple[float, float, float, float]:
    """Nadeau-Bengio corrected resampled t interval for the mean of per-split differences.

    Parameters
    ----------
    d : ndarray
        One paired difference per split (NaN entries are dropped).
    test_train_ratio : float
        Mean test size over mean training size (``1/(k-1)`` for k-fold).
    confidence : float
        Coverage, e.g. 0.95.

    Returns
    -------
    (mean, low, high, p_value)
        ``low``/``high``/``p_value`` are NaN with fewer than 2 splits. The
        p-value is two-sided, for "no difference".
    """
    from scipy import stats

    d = np.asarray(d, dtype=float)
    d = d[np.isfinite(d)]
    J = len(d)
    if J == 0:
        return (float("nan"),) * 4
    mean = float(np.mean(d))
    if J < 2:
        return mean, float("nan"), float("nan"), float("nan")
    var = float(np.var(d, ddof=1))
    se = float(np.sqrt((1.0 / J + test_train_ratio) * var))
    if se == 0.0:  # identical differences on every split
        return mean, mean, mean, (1.0 if mean == 0 else 0.0)
    q = float(stats.t.ppf(0.5 + confidence / 2, J - 1))
    p = float(2 * stats.t.sf(abs(mean) / se, J - 1))
    return mean, mean - q * se, mean + q * se, p


def paired_bootstrap_interval(task: str, metric: str, y: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray,
                              confidence: float, seed: int, n_boot: int = 2000) -> tuple[float, float, float, float]:
    """Percentile bootstrap interval of ``metric(a) - metric(b)`` over pooled rows.

    The same resampled rows are scored for both models (paired). Returns
    ``(difference on all rows, low, high, p_value)``, the p-value being twice
    the smaller share of resampled differences on either side of 0.
    """
    fn = _FUNCS[metric]
    y = np.asarray(y, dtype=float)
    a = np.asarray(pred_a, dtype=float)
    b = np.asarray(pred_b, dtype=float)
    full = fn(y, a) - fn(y, b)
    n = len(y)
    if n < 2:
        return full, float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    if metric in ("rmse", "mae", "log_loss", "brier"):  # means of per-row losses: vectorised
        if metric == "log_loss":
            qa, qb = np.clip(a, EPS, 1 - EPS), np.clip(b, EPS, 1 - EPS)
            la = -(y * np.log(qa) + (1 - y) * np.log1p(-qa))
            lb = -(y * np.log(qb) + (1 - y) * np.log1p(-qb))
        elif metric == "mae":
            la, lb = np.abs(y - a), np.abs(y - b)
        else:
            la, lb = (y - a) ** 2, (y - b) ** 2
        ma, mb = la[idx].mean(axis=1), lb[idx].mean(axis=1)
        diffs = np.sqrt(ma) - np.sqrt(mb) if metric == "rmse" else ma - mb
    else:
        diffs = np.array([fn(y[i], a[i]) - fn(y[i], b[i]) for i in idx])
    diffs = diffs[np.isfinite(diffs)]
    if diffs.size == 0:
        return full, float("nan"), float("nan"), float("nan")
    alpha = 1 - confidence
    low, high = np.quantile(diffs, [alpha / 2, 1 - alpha / 2])
    p = float(min(1.0, 2 * min(np.mean(diffs <= 0), np.mean(diffs >= 0))))
    return full, float(low), float(high), p
