"""Drift monitor: is the fitted model still right on the data arriving now?

:class:`DriftMonitor` watches a stream of labelled batches. For each new batch
it asks two questions, each with a statistical test, and raises an alert when
either answer is "no" beyond noise.

1. **Is the model still as good as a model refit on recent data?**
   (prequential loss test). An unconstrained *baseline* (by default
   scikit-learn's ``HistGradientBoosting``, built by
   :func:`priorml.audit.compare.build_models`) is refit on the previous
   ``window`` batches and scored on the new batch, which it has never seen;
   the monitored model is scored on the same rows. With per-row losses
   ``L_model`` and ``L_base`` (squared error for regression; log loss for
   classification, probabilities clipped to ``[1e-6, 1 - 1e-6]``), the
   differences ``d_i = L_model_i - (1 + margin) L_base_i`` are tested with a
   **one-sided paired t-test** (the Diebold-Mariano test with independent
   rows): null hypothesis ``E[d] <= 0`` ("the model is no worse than the
   baseline"), statistic ``t = mean(d) / (sd(d) / sqrt(n))``, p-value
   ``P(T_{n-1} >= t)``. It needs a previous batch and at least
   :data:`MIN_ROWS` rows in the new one; otherwise it is skipped (a note says so).
2. **Does each declared constraint still hold on recent data?**
   :func:`priorml.check_assumptions` is run on the last ``window`` batches,
   the new one included. Each constraint's unadjusted ``p_value`` (a
   chi-bar-squared likelihood-ratio test whose null hypothesis is "the
   constraint holds") is compared with the per-test level below; at or below
   it, the constraint is *contradicted* (the monitor's own decision: the
   report's verdict, which uses a Holm adjustment within the window and a
   cost test, is kept for information). Output bounds have no p-value: they
   are contradicted when observed targets fall outside them, which cannot
   happen by chance while the targets respect the bounds. Likewise a batch
   holding a category outside a feature's declared ``categories`` is drift
   (``"feature: categories"`` is contradicted, observed, not tested). A
   model that refuses such a category (a priorml estimator does) is scored,
   and the loss test run, on the batch's other rows (a note says so).

A category that none of the previous batches held (for a feature without
declared categories) is not evidence of drift by itself, as a rare level can
show up by chance: it is reported in :attr:`DriftStatus.warnings`, and the
batch is tested as usual (the refit baseline treats the level as one it was
not fit on; the monitored model predicts it as it does, and a priorml model,
which cannot predict a level it was not fitted on, is scored on the batch's
other rows, with a warning naming the level). A model that cannot predict a
batch for any other reason is a DataError naming it, and the batch is not
recorded. A check that cannot
run on a batch (say, too few rows for the constraint tests) is reported there
too, with the problem in full, and :meth:`DriftMonitor.update` issues every
warning as a Python warning as well: nothing is skipped silently.

**False-alarm control.** Batch ``k`` (``k = 1, 2, ...``) is given a level
``alpha_k`` shared equally by its tests (Bonferroni: each of its ``m_k``
tests runs at ``alpha_k / m_k``):

* ``false_alarm="stream"`` (default): ``alpha_k = alpha * 6 / (pi**2 * k**2)``.
  Since ``sum_k alpha_k = alpha``, the union bound gives: *if nothing drifts
  (every null hypothesis above holds on every batch), the probability that the
  monitor ever raises an alert, over the whole unbounded stream, is at most
  alpha.* The bound needs no independence between batches (windows overlap).
  The price is power that decays with ``k`` (batch 20 is tested at about
  ``alpha / 660``); prefer ``"batch"`` for long streams.
* ``false_alarm="batch"``: ``alpha_k = alpha``. *If nothing drifts, each batch
  raises an alert with probability at most alpha, so the expected number of
  false alarms over N batches is at most alpha * N* (mean time between false
  alarms at least ``1 / alpha`` batches), as for a control chart.

The loss test compares the model with what recent data alone can achieve, so
an alert on the first testable batches of a stream that has not changed means
the model was already worse than a baseline fit on ``window`` batches (a fit
problem rather than drift); a larger ``window`` or a ``margin`` addresses it.

Both guarantees hold to the accuracy of the individual tests: the t-test is
exact for normal differences and asymptotically valid otherwise (rows of a
batch independent, and independent of the batches the baseline was fit on);
the constraint tests are those of :func:`priorml.check_assumptions`. The
statement is repeated in :attr:`DriftMonitor.guarantee` and in
``history.attrs["guarantee"]``.

**State.** The monitor keeps its history and the last ``window`` batches. It is
saved as one JSON file (``format: priorml-drift-state``, ``format_version`` 1,
with a SHA-256 checksum of its contents) written to a temporary file and
renamed over the target with :func:`os.replace`, so a crash never leaves half a
file (categorical levels that are dates are stored with their type, so a resumed monitor holds the same
rows; other levels JSON cannot hold are refused with a :class:`~priorml.errors.DataError`). A missing,
truncated, foreign, tampered-with or newer-format file raises
:class:`~priorml.errors.ModelFormatError` naming the file and the problem; the
monitor never silently starts over.

**Batches from a time column.** :func:`split_batches` cuts a data set into
consecutive batches by a time column (one batch per value, per period such as
``"M"`` or ``"Q"`` for dates, per bin of width ``freq`` for numbers, or into
``n_batches`` equal-count chunks); :meth:`DriftMonitor.run` feeds them to
:meth:`~DriftMonitor.update` in time order.

Examples
--------
>>> import numpy as np, pandas as pd, priorml  # doctest: +SKIP
>>> spec = {"features": {"a": {"monotonic": "increasing"}, "b": {}}}  # doctest: +SKIP
>>> model = priorml.LatticeRegressor(spec, model="linear").fit(X_old, y_old)  # doctest: +SKIP
>>> monitor = priorml.DriftMonitor(spec, model, state_path="drift.json")  # doctest: +SKIP
>>> status = monitor.update(X_new, y_new)  # doctest: +SKIP
>>> status.alert, status.reasons  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np

from .._args import MAX_SEED, flag_problem, is_int, is_probability, is_real
from ..errors import (ConstraintWarning, DataError, DataWarning, ModelFormatError, PriorMLError, Problem, SpecError,
                      first_line)
from ..spec import CategoricalFeature, Spec
from .certify import _fingerprint as model_fingerprint  # a priorml model's, or None

__all__ = ["DriftMonitor", "DriftStatus", "Batch", "split_batches", "batch_level", "MIN_ROWS"]

FORMAT = "priorml-drift-state"
FORMAT_VERSION = 1

#: Fewest rows in a new batch for the loss test to run.
MIN_ROWS = 10

#: Title of the errors about how a data set is cut into batches (time, freq, n_batches).
_BATCHING = "Invalid batching arguments"

#: Probabilities are clipped to [EPS, 1 - EPS] in the log loss (bounds a row's loss at about 13.8).
EPS = 1e-6


# ---------------------------------------------------------------------- the level of each batch
def batch_level(k: int, alpha: float, false_alarm: Literal["stream", "batch"] = "stream") -> float:
    """The significance level spent on batch ``k`` (1-based), shared by its tests.

    Parameters
    ----------
    k : int
        Batch number, starting at 1.
    alpha : float
        The monitor's overall false-alarm level.
    false_alarm : {'stream', 'batch'}
        ``'stream'``: ``alpha * 6 / (pi**2 k**2)`` (these sum to ``alpha`` over
        all batches); ``'batch'``: ``alpha`` on every batch.

    Returns
    -------
    float

    Examples
    --------
    >>> round(sum(batch_level(k, 0.05) for k in range(1, 100_000)), 4)
    0.05
    >>> batch_level(7, 0.05, "batch")
    0.05
    """
    if false_alarm == "batch":
        return float(alpha)
    return float(alpha) * 6.0 / (math.pi**2 * k * k)


def _guarantee(alpha: float, false_alarm: str, margin: float) -> str:
    null = ("nothing drifts (on every batch the model's expected loss is at most "
            + (f"(1 + {margin:g}) x " if margin else "")
            + "that of the baseline refit on the previous batches, and every declared constraint holds, "
            "declared categories included)")
    tests = ("Batch k is tested at level alpha_k, split equally over its tests (Bonferroni); "
             "loss test: one-sided paired t-test on per-row loss differences; constraint tests: "
             "priorml.check_assumptions p-values.")
    if false_alarm == "stream":
        return (f"alpha_k = {alpha:g} * 6 / (pi^2 k^2), summing to {alpha:g}: if {null}, the probability of "
                f"any false alarm over the whole stream is at most {alpha:g}. {tests}")
    return (f"alpha_k = {alpha:g} on every batch: if {null}, each batch raises a false alarm with probability "
            f"at most {alpha:g} (expected false alarms over N batches <= {alpha:g} N). {tests}")


# ---------------------------------------------------------------------- the status of one batch
_HISTORY_COLUMNS = ["batch", "label", "n_rows", "model_loss", "baseline_loss", "statistic", "p_value", "level",
                    "test_level", "n_tests", "alert", "reasons", "contradicted", "warnings", "notes"]
_JOINED = ("reasons", "contradicted", "warnings", "notes")  # lists in a status, text in the history


@dataclass
class DriftStatus:
    """What the monitor concluded about one batch.

    Attributes
    ----------
    batch : int
        Batch number (1-based, counted since the monitor was created).
    label : str or None
        The batch's label (e.g. its period), if given.
    n_rows : int
        Rows in the batch.
    alert : bool
        ``True`` when the loss test or a constraint test rejected at its level.
    reasons : list of str
        One readable sentence per rejected test (empty without an alert).
    loss : str
        ``'squared error'`` or ``'log loss'``.
    model_loss : float
        The model's mean loss on the batch (on its rows that the model can
        predict when it refuses a category outside the spec; NaN if none).
    baseline_loss : float or None
        The baseline's mean loss on the batch (``None`` when it was not fit:
        first batch, or a single class in the window).
    statistic, p_value : float or None
        The paired t statistic and one-sided p-value of the loss test.
    level : float
        The level ``alpha_k`` of this batch (see :func:`batch_level`).
    test_level : float or None
        The level of each test of the batch, ``level / n_tests``.
    n_tests : int
        Tests run on the batch (the loss test and the constraints with a p-value).
    baseline_rows : int
        Rows the baseline was fit on.
    contradicted : list of str
        ``"feature: constraint"`` of each constraint contradicted at ``test_level``
        (``"feature: categories"`` for a category outside the spec's declared ones).
    constraints : list of dict
        Every constraint checked: feature, constraint, verdict, p_value,
        evidence, contradicted.
    warnings : list of str
        What needs a look although no test rejected: a check that could not
        run on this batch (``"constraint check skipped: ..."``, ``"loss test
        skipped: ..."``, with the problem in full) and categories not seen in
        the previous batches. :meth:`DriftMonitor.update` also issues each as
        a Python warning (:class:`~priorml.errors.ConstraintWarning` or
        :class:`~priorml.errors.DataWarning`).
    notes : list of str
        Tests skipped in the ordinary course and why (no previous batch,
        too few rows).
    """

    batch: int
    n_rows: int
    alert: bool
    reasons: list[str]
    loss: str
    model_loss: float
    baseline_loss: float | None
    statistic: float | None
    p_value: float | None
    level: float
    test_level: float | None
    n_tests: int
    baseline_rows: int = 0
    label: str | None = None
    contradicted: list[str] = field(default_factory=list)
    constraints: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict (NaN becomes ``None``)."""
        return _jsonable({
            "batch": self.batch, "label": self.label, "n_rows": self.n_rows, "alert": self.alert,
            "reasons": list(self.reasons), "loss": self.loss, "model_loss": self.model_loss,
            "baseline_loss": self.baseline_loss, "statistic": self.statistic, "p_value": self.p_value,
            "level": self.level, "test_level": self.test_level, "n_tests": self.n_tests,
            "baseline_rows": self.baseline_rows, "contradicted": list(self.contradicted),
            "constraints": [dict(c) for c in self.constraints], "warnings": list(self.warnings),
            "notes": list(self.notes)})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DriftStatus":
        """Rebuild a status from :meth:`to_dict` output."""
        return cls(batch=int(d["batch"]), label=d.get("label"), n_rows=int(d["n_rows"]), alert=bool(d["alert"]),
                   reasons=[str(r) for r in d["reasons"]], loss=str(d["loss"]),
                   model_loss=math.nan if d["model_loss"] is None else float(d["model_loss"]),
                   baseline_loss=_opt_float(d["baseline_loss"]), statistic=_opt_float(d["statistic"]),
                   p_value=_opt_float(d["p_value"]), level=float(d["level"]), test_level=_opt_float(d["test_level"]),
                   n_tests=int(d["n_tests"]), baseline_rows=int(d.get("baseline_rows", 0)),
                   contradicted=[str(c) for c in d.get("contradicted", [])],
                   constraints=[dict(c) for c in d.get("constraints", [])], notes=[str(n) for n in d.get("notes", [])],
                   warnings=[str(w) for w in d.get("warnings", [])])

    def _history_row(self) -> dict[str, Any]:
        d = self.to_dict()
        row = {k: d[k] for k in _HISTORY_COLUMNS if k not in _JOINED}
        row["reasons"] = " | ".join(self.reasons)
        row["contradicted"] = ", ".join(self.contradicted)
        row["warnings"] = " | ".join(self.warnings)
        row["notes"] = " | ".join(self.notes)
        return row

    @property
    def table(self):
        """One row per test of the batch: test, statistic, p_value, level, rejected, evidence."""
        import pandas as pd

        rows = []
        if self.p_value is not None:
            rows.append({"test": f"loss ({self.loss}) vs baseline", "statistic": self.statistic, "p_value": self.p_value,
                         "level": self.test_level, "rejected": self.p_value <= (self.test_level or 0.0),
                         "evidence": f"model {self.model_loss:.4g} vs baseline {self.baseline_loss:.4g}"})
        for c in self.constraints:
            rows.append({"test": f"{c['feature']}: {c['constraint']}", "statistic": None, "p_value": c.get("p_value"),
                         "level": self.test_level if c.get("p_value") is not None else None,
                         "rejected": bool(c.get("contradicted")), "evidence": c.get("evidence")})
        return pd.DataFrame(rows, columns=["test", "statistic", "p_value", "level", "rejected", "evidence"])

    def plot(self, ax=None):
        """Bar chart of each test's p-value (log scale) against its level; returns the Figure."""
        fig, ax = _axes(ax)
        t = self.table
        if len(t):
            p = np.array([np.nan if v is None else max(float(v), 1e-300) for v in t["p_value"]], dtype=float)
            colors = ["tab:red" if r else "tab:blue" for r in t["rejected"]]
            ax.barh(list(t["test"]), -np.log10(np.where(np.isnan(p), 1.0, p)), color=colors)
            if self.test_level:
                ax.axvline(-math.log10(self.test_level), color="k", ls="--", label=f"level {self.test_level:.2g}")
                ax.legend(loc="lower right")
        ax.set_xlabel("-log10 p-value")
        ax.set_title(f"Batch {self.batch}: {'ALERT' if self.alert else 'no alert'}")
        fig.tight_layout()
        return fig

    def __str__(self) -> str:
        base = "n/a" if self.baseline_loss is None else f"{self.baseline_loss:.4g}"
        p = "n/a" if self.p_value is None else f"{self.p_value:.3g}"
        head = (f"Batch {self.batch}{f' ({self.label})' if self.label is not None else ''}, {self.n_rows} rows: "
                f"{'ALERT' if self.alert else 'no alert'}; {self.loss}: model {self.model_loss:.4g}, baseline {base}, "
                f"p = {p} (level {self.level:.3g} over {self.n_tests} test(s))")
        lines = ([head] + [f"  - {r}" for r in self.reasons] + [f"  (warning) {w}" for w in self.warnings]
                 + [f"  (note) {n}" for n in self.notes])
        return "\n".join(lines)

    __repr__ = __str__


# ---------------------------------------------------------------------- batches from a time column
class Batch(NamedTuple):
    """One batch cut by :func:`split_batches`: its label and its rows."""

    label: str
    X: Any
    y: np.ndarray


def split_batches(X: Any, y: Any, time: Any, *, freq: Any = None, n_batches: int | None = None) -> list[Batch]:
    """Cut a data set into consecutive batches by a time column.

    Rows are sorted by time (stably) and grouped:

    * neither ``freq`` nor ``n_batches``: one batch per distinct time value
      (e.g. a ``year`` column); refused when that leaves fewer than 10 rows
      per batch on average;
    * ``freq``: for a datetime column, a pandas period alias (``"D"``, ``"W"``,
      ``"M"``, ``"Q"``, ``"Y"``) — one batch per period; for a numeric column, a
      bin width — batch ``j`` holds times in ``[t_min + j freq, t_min + (j+1) freq)``;
    * ``n_batches``: that many consecutive batches of (nearly) equal size; rows
      sharing a time value are never split between batches, so sizes may differ.

    Empty periods and bins are dropped.

    Parameters
    ----------
    X : DataFrame or array (n, d)
        The features (and possibly the time column). Not modified.
    y : array-like (n,)
        The target.
    time : str or array-like (n,)
        The name of a column of ``X``, or the time values themselves. Missing
        times are refused.
    freq : str or float, optional
        Period alias (datetime time) or bin width (numeric time).
    n_batches : int, optional
        Number of equal-count batches. Exclusive with ``freq``.

    Returns
    -------
    list of Batch
        ``(label, X, y)`` in time order; ``X`` keeps the input's type
        (DataFrame rows or array rows), ``label`` is the time value, the
        period, or the time range of the batch, as text.

    Raises
    ------
    SpecError
        For an unknown time column, a time array of the wrong length,
        missing times, both ``freq`` and ``n_batches``, or a bad value of either.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"x": range(40), "year": [2000] * 20 + [2001] * 20})
    >>> [(b.label, len(b.X)) for b in split_batches(X, X["x"], "year")]
    [('2000', 20), ('2001', 20)]
    """
    import pandas as pd

    n = _len(X)
    yv = np.asarray(y)
    if yv.ndim == 2 and yv.shape[1] == 1:
        yv = yv[:, 0]
    if yv.shape[:1] != (n,):
        raise DataError([Problem("y", f"{n} values (one per row of X)", f"shape {yv.shape}", "X and y must have the same rows.")])
    if isinstance(time, str):
        if not hasattr(X, "columns") or time not in [str(c) for c in X.columns]:
            cols = [str(c) for c in X.columns] if hasattr(X, "columns") else []
            from ..errors import did_you_mean

            raise SpecError([Problem("time", "the name of a column of X" if cols else "an array of times (X has no column names)",
                                     repr(time), (did_you_mean(time, cols).strip() + f" Columns present: {cols[:20]}.").strip()
                                     if cols else "Pass the time values themselves.")], title=_BATCHING)
        col = X[[c for c in X.columns if str(c) == time][0]]
        t = pd.Series(np.asarray(col), dtype=col.dtype)
    else:
        t = pd.Series(time)
        if len(t) != n:
            raise SpecError([Problem("time", f"{n} time values (one per row of X)", f"{len(t)} values",
                                     "Pass one time value per row, or the name of a column of X.")], title=_BATCHING)
    t = t.reset_index(drop=True)
    if t.isna().any():
        raise SpecError([Problem("time", "a time for every row", f"{int(t.isna().sum())} missing, first at row {int(np.argmax(t.isna().to_numpy()))}",
                                 "Drop the rows without a time before monitoring.")], title=_BATCHING)
    if freq is not None and n_batches is not None:
        raise SpecError([Problem("freq/n_batches", "at most one of freq and n_batches", f"freq={freq!r}, n_batches={n_batches!r}",
                                 "Give a period (freq) or a number of batches, not both.")], title=_BATCHING)
    is_time = pd.api.types.is_datetime64_any_dtype(t)
    is_num = pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)

    order = np.argsort(t.to_numpy(), kind="stable")
    ts = t.iloc[order].reset_index(drop=True)
    # keys: one value per row of ts (sorted, so batches are consecutive); labels: text of each key
    if n_batches is not None:
        if not is_int(n_batches, 1, n):
            raise SpecError([Problem("n_batches", f"an integer between 1 and the number of rows ({n})", repr(n_batches))],
                            title=_BATCHING)
        codes = pd.factorize(ts, sort=True)[0]
        counts = np.bincount(codes)
        starts = np.cumsum(counts) - counts
        # a group of equal times goes to the batch in which it starts: batch j gets starts in [j n/B, (j+1) n/B)
        group = np.searchsorted(np.arange(1, n_batches) * n / n_batches, starts, side="right")
        keys = group[codes]
        labels = {}
        for g in np.unique(keys):
            vals = ts[keys == g]
            lo, hi = _text(vals.iloc[0]), _text(vals.iloc[-1])
            labels[g] = lo if lo == hi else f"{lo} to {hi}"
    elif freq is not None:
        if is_time:
            try:
                periods = ts.dt.to_period(freq)
            except (ValueError, TypeError, AttributeError) as exc:
                raise SpecError([Problem("freq", "a pandas period alias such as 'D', 'W', 'M', 'Q' or 'Y'", repr(freq),
                                         str(exc).splitlines()[0] if str(exc) else "")], title=_BATCHING) from None
            keys, uniques = pd.factorize(periods, sort=True)
            labels = {i: str(u) for i, u in enumerate(uniques)}
        elif is_num:
            try:
                width = float(freq)
            except (TypeError, ValueError):
                width = float("nan")
            if isinstance(freq, bool) or not (np.isfinite(width) and width > 0):
                raise SpecError([Problem("freq", "a positive bin width for a numeric time column", repr(freq))],
                                title=_BATCHING)
            tv = ts.to_numpy(dtype=float)
            q = (tv - tv[0]) / width
            # a time on a bin edge up to rounding (0.7 / 0.1 = 6.999...) starts that bin, as its label says
            near = np.round(q)
            keys = np.where(np.isclose(q, near, rtol=1e-9, atol=1e-9), near, np.floor(q)).astype(np.int64)
            labels = {b: f"[{_text(tv[0] + b * width)}, {_text(tv[0] + (b + 1) * width)})" for b in np.unique(keys)}
        else:
            raise SpecError([Problem("freq", "no freq for a time column that is neither dates nor numbers",
                                     f"freq={freq!r} for a column of type {t.dtype}",
                                     "Convert the column with pd.to_datetime, or leave freq out (one batch per value).")],
                            title=_BATCHING)
    else:
        keys, uniques = pd.factorize(ts, sort=True)
        labels = {i: _text(u) for i, u in enumerate(uniques)}
        if len(uniques) > max(1, n // 10):
            raise SpecError([Problem("time", "a time column with at least 10 rows per distinct value on average",
                                     f"{len(uniques)} distinct values for {n} rows",
                                     "Group the rows with freq= (a period such as 'M' for dates, a bin width for numbers) "
                                     "or n_batches=.")], title=_BATCHING)
    keys = np.asarray(keys)
    batches: list[Batch] = []
    for key in np.unique(keys):  # sorted, and keys are non-decreasing along ts: time order
        rows = order[keys == key]
        Xb = X.iloc[rows] if hasattr(X, "iloc") else np.asarray(X)[rows]
        batches.append(Batch(labels[key], Xb, yv[rows]))
    return batches


def _text(v: Any) -> str:
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


# ---------------------------------------------------------------------- the monitor
class DriftMonitor:
    """Watch a fitted model on a stream of labelled batches; alert on drift.

    See the module docstring (:mod:`priorml.audit.drift`) for the tests and
    the false-alarm guarantee.

    Parameters
    ----------
    spec : Spec, dict, str path or None
        The constraint spec to check on recent data. ``None``: the model's own
        spec (``model.spec_``). Its task is set to the model's.
    model : fitted priorml estimator
        A fitted :class:`~priorml.LatticeRegressor`, :class:`~priorml.LatticeClassifier`,
        :class:`~priorml.BayesianRegressor` or :class:`~priorml.BayesianClassifier`
        (any fitted estimator with ``predict``, or ``predict_proba`` and
        ``classes_`` for a binary classifier, works). It is never refit. A
        model fitted on a DataFrame gets the columns it was fitted with
        (``feature_names_in_``), in that order; they must be features of the spec.
    window : int, default=3
        Batches the baseline is refit on (the previous ones), and batches the
        constraints are checked on (the latest ones, the new batch included).
    alpha : float, default=0.05
        False-alarm level (see ``false_alarm``).
    baseline : str, estimator or None
        The unconstrained comparison model: a model name of
        :func:`priorml.audit.compare.build_models` (default
        ``"hist_gradient_boosting"``), or an unfitted scikit-learn estimator
        (cloned at every refit; it must accept a DataFrame with the spec's
        columns, categoricals included).
    check_constraints : bool, default=True
        Run :func:`priorml.check_assumptions` on every window.
    state_path : str or path, optional
        Save the state there after every update (atomically). The file must not
        exist yet; resume an existing one with :meth:`DriftMonitor.load`.
    random_state : int, default=0
        Seed of the baseline and of the constraint checks (batch ``k`` uses a
        seed derived from ``(random_state, k)``, so a resumed monitor repeats
        an uninterrupted one exactly).
    false_alarm : {'stream', 'batch'}, default='stream'
        ``'stream'``: probability of any false alarm over the whole stream at
        most ``alpha``; ``'batch'``: at most ``alpha`` per batch.
    margin : float, default=0.0
        Alert on the loss only when the model's expected loss exceeds
        ``(1 + margin)`` times the baseline's (e.g. 0.1 tolerates a constrained
        model 10% worse than a flexible one).
    assumption_params : dict, optional
        Extra keyword arguments of :func:`priorml.check_assumptions`
        (``n_bootstrap``, ``cv``, ``n_jobs``, ``progress``); must be
        JSON-serialisable (they are saved). Checked here as
        :func:`~priorml.check_assumptions` checks them.

    Attributes
    ----------
    history : DataFrame
        One row per batch (see :attr:`history`).
    statuses : list of DriftStatus
        The full result of every batch.
    guarantee : str
        The false-alarm guarantee in words.
    spec_ : Spec
        The resolved spec (task set to the model's).
    task_ : {'regression', 'classification'}
        Read from the model (a ``classes_`` attribute means classification).
    classes_ : ndarray or None
        The model's classes; targets are coded 1 for ``classes_[1]``.

    Raises
    ------
    SpecError
        For an invalid parameter (``assumption_params`` included, each key
        named), an unfitted model, or a spec that does not cover the model's
        features.

    Examples
    --------
    >>> monitor = DriftMonitor(spec, model, window=3, alpha=0.05)  # doctest: +SKIP
    >>> for X_b, y_b in batches:  # doctest: +SKIP
    ...     status = monitor.update(X_b, y_b)
    ...     if status.alert:
    ...         print(status.reasons)
    >>> monitor.history  # doctest: +SKIP
    """

    def __init__(self, spec: Spec | dict | str | None, model: Any, *, window: int = 3, alpha: float = 0.05,
                 baseline: Any = None, check_constraints: bool = True, state_path: str | os.PathLike | None = None,
                 random_state: int = 0, false_alarm: Literal["stream", "batch"] = "stream", margin: float = 0.0,
                 assumption_params: dict[str, Any] | None = None):
        self.window = window
        self.alpha = alpha
        self.baseline = baseline
        self.check_constraints = check_constraints
        self.state_path = state_path
        self.random_state = random_state
        self.false_alarm = false_alarm
        self.margin = margin
        self.assumption_params = assumption_params
        self.model = model
        _check_params(self)
        self.task_, self.classes_ = _model_task(model)
        self.spec_ = _resolve_spec(spec, model, self.task_)
        self._model_features = _model_features(model, self.spec_)
        _make_baseline(baseline, self.spec_, self.task_, random_state)  # an unknown name fails now, not at batch 2
        if state_path is not None and Path(state_path).exists():
            raise SpecError([Problem("state_path", "a path where no drift state exists yet", f"{str(state_path)!r} exists",
                                     "Resume it with DriftMonitor.load(path, model), or delete the file to start over.")],
                            title="Invalid DriftMonitor arguments")
        self.statuses: list[DriftStatus] = []
        self._buffer: list[tuple[Any, np.ndarray]] = []  # last `window` batches: (canonical X, y as float/codes)

    # ------------------------------------------------------------------ public
    @property
    def n_batches(self) -> int:
        """Batches seen so far."""
        return len(self.statuses)

    @property
    def loss_name(self) -> str:
        """``'squared error'`` (regression) or ``'log loss'`` (classification)."""
        return "log loss" if self.task_ == "classification" else "squared error"

    @property
    def guarantee(self) -> str:
        """The false-alarm guarantee of this monitor, in words."""
        return _guarantee(self.alpha, self.false_alarm, self.margin)

    @property
    def history(self):
        """One row per batch: batch, label, n_rows, model_loss, baseline_loss,
        statistic (paired t), p_value (loss test), level (``alpha_k`` of the
        batch), test_level (per test), n_tests, alert, reasons (joined by
        ``" | "``), contradicted (``"feature: constraint"``, comma-joined),
        warnings and notes (joined by ``" | "``).
        ``history.attrs["guarantee"]`` states the false-alarm guarantee."""
        import pandas as pd

        frame = pd.DataFrame([s._history_row() for s in self.statuses], columns=_HISTORY_COLUMNS)
        for c in ("model_loss", "baseline_loss", "statistic", "p_value", "level", "test_level"):
            frame[c] = frame[c].astype(float)
        for c in ("batch", "n_rows", "n_tests"):
            frame[c] = frame[c].astype(np.int64)
        frame["alert"] = frame["alert"].astype(bool)
        frame.attrs["guarantee"] = self.guarantee
        frame.attrs["loss"] = self.loss_name
        return frame

    table = history

    @property
    def alerts(self) -> list[DriftStatus]:
        """The statuses of the batches that raised an alert."""
        return [s for s in self.statuses if s.alert]

    def update(self, X_batch: Any, y_batch: Any, *, label: str | None = None) -> DriftStatus:
        """Test one new labelled batch; record and return its status.

        Parameters
        ----------
        X_batch : DataFrame or array (n, d)
            The batch's features: a DataFrame with the spec's columns (others
            ignored) or an array in spec order. Not modified.
        y_batch : array-like (n,)
            Its observed targets (labels among the model's ``classes_``).
        label : str, optional
            A label kept in the history (e.g. the period).

        Returns
        -------
        DriftStatus

        Raises
        ------
        DataError
            When a column is missing, X and y have different lengths, a value
            cannot be read, a value is missing where the spec says
            ``missing: error``, or a label is not one of the model's classes.
            The monitor's state is unchanged, as it is when saving to
            ``state_path`` fails (the error is raised; the file keeps the
            previous state).
        """
        Xb, yb = self._prepare(X_batch, y_batch)
        status = self._test(Xb, yb, None if label is None else str(label))
        statuses, buffer = self.statuses, self._buffer
        self.statuses = statuses + [status]
        self._buffer = (buffer + [(Xb, yb)])[-self.window:]
        if self.state_path is not None:
            try:
                self.save(self.state_path)
            except BaseException:  # memory and file must agree: the batch counts only once saved
                self.statuses, self._buffer = statuses, buffer
                raise
        for text in status.warnings:  # never silent: a check that did not run, a category never seen
            warnings.warn(f"DriftMonitor batch {status.batch}: {text}",
                          ConstraintWarning if text.startswith("constraint check") else DataWarning, stacklevel=2)
        return status

    def run(self, X: Any, y: Any, time: Any = None, *, freq: Any = None, n_batches: int | None = None,
            progress: bool = False):
        """Cut ``X, y`` into batches with :func:`split_batches` and update on each in time order.

        Parameters
        ----------
        X, y : data
            The whole data set (``X`` may contain the time column and other extra columns).
        time : str or array-like, optional
            Time column or values; ``None`` takes the rows in their order and
            needs ``n_batches``.
        freq, n_batches
            As in :func:`split_batches`.
        progress : bool, default=False
            Show a progress bar (tqdm).

        Returns
        -------
        DataFrame
            The full :attr:`history`.
        """
        if time is None:
            if n_batches is None:
                raise SpecError([Problem("time", "a time column, or n_batches to cut the rows in their order",
                                         "time=None and n_batches=None", "Pass time='column' or n_batches=10.")],
                                title=_BATCHING)
            time = np.arange(_len(X))
        batches = split_batches(X, y, time, freq=freq, n_batches=n_batches)
        it = batches
        if progress:
            from tqdm.auto import tqdm

            it = tqdm(batches, desc="drift", unit="batch")
        for b in it:
            self.update(b.X, b.y, label=b.label)
        return self.history

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary: settings, guarantee and one dict per batch."""
        return _jsonable({"window": self.window, "alpha": self.alpha, "false_alarm": self.false_alarm,
                          "margin": self.margin, "loss": self.loss_name, "guarantee": self.guarantee,
                          "baseline": _baseline_config(self.baseline), "check_constraints": self.check_constraints,
                          "n_batches": self.n_batches, "n_alerts": len(self.alerts),
                          "batches": [s.to_dict() for s in self.statuses]})

    def plot(self, ax=None):
        """Model and baseline loss per batch, alerts marked in red; returns the Figure."""
        fig, ax = _axes(ax)
        h = self.history
        if len(h):
            ax.plot(h["batch"], h["model_loss"], "o-", label="model")
            ax.plot(h["batch"], h["baseline_loss"], "s--", label="baseline (refit on recent batches)")
            for b in h.loc[h["alert"], "batch"]:
                ax.axvspan(b - 0.5, b + 0.5, color="tab:red", alpha=0.15, lw=0)
            ax.legend()
        ax.set_xlabel("batch")
        ax.set_ylabel(f"mean {self.loss_name}")
        ax.set_title(f"Drift monitor: {len(self.alerts)} alert(s) in {self.n_batches} batch(es)")
        fig.tight_layout()
        return fig

    def __str__(self) -> str:
        alerts = self.alerts
        head = (f"DriftMonitor({type(self.model).__name__}, window={self.window}, alpha={self.alpha:g} per "
                f"{'stream' if self.false_alarm == 'stream' else 'batch'}): {self.n_batches} batch(es), {len(alerts)} alert(s)"
                + (f", first at batch {alerts[0].batch}" if alerts else ""))
        if not self.statuses:
            return head
        cols = ["batch", "label", "n_rows", "model_loss", "baseline_loss", "statistic", "p_value", "level", "alert", "contradicted"]
        h = self.history[cols]
        if h["label"].isna().all():
            h = h.drop(columns="label")
        return head + "\n" + h.to_string(index=False, float_format=lambda v: f"{v:.4g}", na_rep="-")

    __repr__ = __str__

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> Path:
        """Write the monitor's state to the JSON file ``path`` atomically (temp file + :func:`os.replace`).

        A new file gets the permissions of any file created by the process
        (``0o666`` less the umask, e.g. ``0o644``); a file replaced keeps its
        permissions. The directory is synced after the rename where the
        system allows it.

        Returns
        -------
        Path

        Raises
        ------
        SpecError
            When ``path`` is an existing directory (the state is one file).
        """
        target = Path(path)
        if target.is_dir():
            raise SpecError([Problem("path", "a file path for the drift state (a JSON file, created or replaced)",
                                     f"{str(path)!r}, an existing directory",
                                     f"Name a file, e.g. {str(target / 'drift_state.json')!r}.")],
                            title="Invalid DriftMonitor.save arguments")
        payload = {
            "config": {"window": self.window, "alpha": self.alpha, "false_alarm": self.false_alarm, "margin": self.margin,
                       "check_constraints": self.check_constraints, "random_state": self.random_state,
                       "baseline": _baseline_config(self.baseline), "assumption_params": self.assumption_params,
                       "autosave": self.state_path is not None},
            "spec": self.spec_.to_dict(),
            "model": {"class": type(self.model).__name__, "task": self.task_, "features": list(self._model_features),
                      "classes": None if self.classes_ is None else [_py(c) for c in self.classes_],
                      "fingerprint": self._fingerprint(), "sha256": model_fingerprint(self.model)},
            "n_batches": self.n_batches,
            "buffer": [{"X": {c: _column_to_json(self.spec_[c], Xb[c]) for c in Xb.columns}, "y": [_py(v) for v in yb.tolist()]}
                       for Xb, yb in self._buffer],
            "history": [s.to_dict() for s in self.statuses],
        }
        payload = _jsonable(payload)
        from .. import __version__

        doc = {"format": FORMAT, "format_version": FORMAT_VERSION, "priorml_version": __version__,
               "checksum": _checksum(payload), "payload": payload}
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = _file_mode(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            os.chmod(tmp, mode)  # mkstemp makes it 0600 whatever the umask
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, indent=1, allow_nan=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _fsync_dir(target.parent)  # the rename itself survives a crash
        return target

    @classmethod
    def load(cls, path: str | os.PathLike, model: Any, *, baseline: Any = None) -> "DriftMonitor":
        """Resume a monitor saved with :meth:`save` (or by ``state_path``).

        Parameters
        ----------
        path : str or path
            The state file.
        model : fitted estimator
            The model being monitored (the same one: its class, features and
            classes are checked, and so is its ``fingerprint()`` against the one
            recorded, for a priorml model; for another model, or a state saved
            before fingerprints were recorded, its predictions on the stored rows
            are compared with those recorded. If they differ, a retrained model
            say, a ``UserWarning`` says that the history may not be comparable).
        baseline : estimator, optional
            Needed only when the state was made with a custom baseline
            estimator (estimators are not saved); must be of the same class.

        Returns
        -------
        DriftMonitor
            With the saved settings, history and window. When the saved
            monitor saved itself after every update, the loaded one does too,
            to ``path``.

        Raises
        ------
        ModelFormatError
            When the file is missing, is not valid JSON (e.g. truncated), is
            not a drift state, has a newer format version, fails its checksum,
            has a missing or malformed field, or was written for a model of
            another class or with other features or classes.
        SpecError
            When ``model`` is not a fitted estimator (the file is not blamed).
        """
        p = Path(path)
        if not p.is_file():
            raise ModelFormatError(f"Drift state file {p} does not exist (or is not a file).")
        try:  # save() never writes NaN or Infinity (nor numbers beyond the float range, which read as inf)
            doc = json.loads(p.read_text(encoding="utf-8"), parse_constant=_refuse_constant, parse_float=_finite_float)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
            raise ModelFormatError(f"Drift state file {p} is corrupted (not readable JSON, e.g. truncated): "
                                   f"{'nested too deeply' if isinstance(exc, RecursionError) else exc}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
            raise ModelFormatError(f"{p} is not a priorml drift state: expected format {FORMAT!r}, found {found!r}.")
        version = doc.get("format_version")
        if not is_int(version):
            raise ModelFormatError(f"Drift state file {p} has no valid format_version (found {version!r}).")
        if version > FORMAT_VERSION:
            raise ModelFormatError(f"Drift state file {p} has format version {version}, newer than this priorml reads "
                                   f"({FORMAT_VERSION}); upgrade priorml.")
        if version < 1:
            raise ModelFormatError(f"Drift state file {p} has an invalid format version {version}.")
        payload = doc.get("payload")
        if not isinstance(payload, dict):
            raise ModelFormatError(f"Drift state file {p} is corrupted: its 'payload' is missing.")
        if doc.get("checksum") != _checksum(payload):
            raise ModelFormatError(f"Drift state file {p} is corrupted: its checksum does not match its contents "
                                   "(the file was modified or damaged).")
        try:
            return cls._from_payload(payload, model, baseline, p)
        except (ModelFormatError, SpecError):
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise ModelFormatError(f"Drift state file {p} is corrupted: missing or malformed field "
                                   f"({type(exc).__name__}: {exc}).") from None

    @classmethod
    def _from_payload(cls, payload: dict, model: Any, baseline: Any, p: Path) -> "DriftMonitor":
        cfg = payload["config"]
        saved_base = cfg["baseline"]
        if "custom" in saved_base:
            if baseline is None:
                raise ModelFormatError(f"Drift state file {p} was made with a custom baseline {saved_base['custom']}; "
                                       "pass the same estimator with DriftMonitor.load(path, model, baseline=...).")
            if type(baseline).__name__ != saved_base["custom"]:
                raise ModelFormatError(f"Drift state file {p} was made with a baseline {saved_base['custom']}, "
                                       f"not {type(baseline).__name__}.")
        else:
            if baseline is not None and _baseline_config(baseline) != saved_base:
                raise ModelFormatError(f"Drift state file {p} was made with baseline {saved_base['name']!r}, "
                                       f"not {_baseline_config(baseline)}.")
            baseline = saved_base["name"]
        mon = cls.__new__(cls)
        mon.window = int(cfg["window"])
        mon.alpha = float(cfg["alpha"])
        mon.false_alarm = cfg["false_alarm"]
        mon.margin = float(cfg["margin"])
        mon.check_constraints = bool(cfg["check_constraints"])
        mon.random_state = int(cfg["random_state"])
        mon.baseline = baseline
        mon.assumption_params = cfg["assumption_params"]
        mon.state_path = p if cfg["autosave"] else None
        mon.model = model
        try:
            _check_params(mon)
        except SpecError as exc:
            if all(pr.where == "model" for pr in exc.problems):  # the model passed to load, not the file
                raise
            raise ModelFormatError(f"Drift state file {p} holds invalid settings: {exc}") from None
        saved = payload["model"]
        mon.task_, mon.classes_ = _model_task(model)
        if type(model).__name__ != saved["class"] or mon.task_ != saved["task"]:
            raise ModelFormatError(f"Drift state file {p} was written for a {saved['class']} ({saved['task']}); "
                                   f"got a {type(model).__name__} ({mon.task_}). Pass the model that was monitored.")
        try:
            mon.spec_ = Spec.from_dict(payload["spec"])
        except SpecError as exc:
            raise ModelFormatError(f"Drift state file {p} holds an invalid spec: {exc}") from None
        mon._model_features = _model_features(model, mon.spec_)
        if list(mon._model_features) != list(saved["features"]):
            raise ModelFormatError(f"Drift state file {p} was written for a model with features {saved['features']}; "
                                   f"this model has {list(mon._model_features)}.")
        classes = None if mon.classes_ is None else [_py(c) for c in mon.classes_]
        if classes != saved["classes"]:
            raise ModelFormatError(f"Drift state file {p} was written for a model with classes {saved['classes']}; "
                                   f"this model has {classes}.")
        names = list(mon.spec_.feature_names)
        mon._buffer = []
        for item in payload["buffer"]:
            X = item["X"]
            if sorted(X) != sorted(names):
                raise ModelFormatError(f"Drift state file {p} is corrupted: a stored batch has columns {sorted(X)}, "
                                       f"expected {sorted(names)}.")
            Xb = _canonical_frame({c: _column_from_json(mon.spec_[c], X[c]) for c in names})
            yb = np.asarray(item["y"], dtype=float)
            if len(yb) != len(Xb):
                raise ModelFormatError(f"Drift state file {p} is corrupted: a stored batch has {len(Xb)} rows and {len(yb)} targets.")
            mon._buffer.append((Xb, yb))
        if len(mon._buffer) > mon.window:
            raise ModelFormatError(f"Drift state file {p} is corrupted: {len(mon._buffer)} stored batches for window={mon.window}.")
        mon.statuses = [DriftStatus.from_dict(d) for d in payload["history"]]
        if int(payload["n_batches"]) != len(mon.statuses) or [s.batch for s in mon.statuses] != list(range(1, len(mon.statuses) + 1)):
            raise ModelFormatError(f"Drift state file {p} is corrupted: the history does not number batches 1..{payload['n_batches']}.")
        sha_saved, sha_now = saved.get("sha256"), model_fingerprint(mon.model)
        if isinstance(sha_saved, str) and sha_now is not None:  # a priorml model: exact
            if sha_saved != sha_now:
                warnings.warn(f"The model's fingerprint ({sha_now[:16]}...) differs from the one recorded in {p} "
                              f"({sha_saved[:16]}...): this is not the model that was monitored; the history may not be "
                              "comparable.", UserWarning, stacklevel=2)
            return mon
        fp_saved, fp_now = saved.get("fingerprint"), mon._fingerprint()
        if fp_saved is not None and fp_now is not None:
            a, b = np.asarray(fp_saved, dtype=float), np.asarray(fp_now, dtype=float)
            if a.shape != b.shape or not np.allclose(a, b, rtol=1e-5, atol=1e-8):
                warnings.warn(f"The model's predictions on the rows stored in {p} differ from those recorded when it was "
                              "saved: this is probably not the model that was monitored; the history may not be comparable.",
                              UserWarning, stacklevel=2)
        return mon

    # ------------------------------------------------------------------ internals
    def _prepare(self, X: Any, y: Any) -> tuple[Any, np.ndarray]:
        """Canonical copy of a batch: numeric features float64 (NaN missing), categoricals
        Python scalars (None missing); y as float (regression) or 0/1 codes of ``classes_``."""
        from ..spec.schema import _plain, _is_missing, _to_float, as_columns, check_target, warn_if_misaligned

        if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
            raise DataError([Problem("X_batch", "a dense array or a pandas DataFrame", "a sparse matrix",
                                     "priorml needs dense input; call X.toarray().")])
        if not hasattr(X, "columns") and np.asarray(X, dtype=object).ndim != 2:
            raise DataError([Problem("X_batch", "a 2-D array (n_samples, n_features) or a DataFrame",
                                     f"an array of shape {np.asarray(X, dtype=object).shape}", "Pass a DataFrame with the spec's columns.")])
        try:
            cols, index = as_columns(self.spec_, X)
        except DataError as exc:  # named as update() names its arguments
            raise _batch_error(exc.problems) from None
        n = len(index)
        if n == 0:
            raise DataError([Problem("X_batch", "at least 1 row", "0 rows", "Skip empty batches.")])
        problems: list[Problem] = []
        out: dict[str, Any] = {}
        for f in self.spec_.features:
            col = np.asarray(cols[f.name])
            if isinstance(f, CategoricalFeature):
                miss = _is_missing(col)
                out[f.name] = np.array([None if m else _plain(v) for v, m in zip(col, miss)], dtype=object)
            else:
                vals = _to_float(f, col, index, problems)
                if vals is not None and np.isinf(vals).any():
                    i = int(np.argmax(np.isinf(vals)))
                    problems.append(Problem(f"X[{f.name!r}]", "finite values", f"inf at row {index[i]!r}",
                                            "Replace infinities by NaN or a value.", f.name))
                miss = np.isnan(vals) if vals is not None else np.zeros(n, dtype=bool)
                out[f.name] = vals
            if f.missing == "error" and miss.any():  # as the spec says, before the model or the baseline sees them
                problems.append(Problem(f"X[{f.name!r}]", "no missing values (the spec says missing: error)",
                                        f"{int(miss.sum())} missing, first at row {index[int(np.argmax(miss))]!r}",
                                        "Drop or fill those rows before monitoring, or set the feature's 'missing' "
                                        "key in the spec (and refit the model with it).", f.name, "missing"))
        if problems:
            raise _batch_error(problems)
        Xb = _canonical_frame(out)
        warn_if_misaligned(X, y, "X_batch", "y_batch")
        try:
            yv = check_target(y, self.task_, n)
        except DataError as exc:
            raise _batch_error(exc.problems) from None
        if self.task_ == "classification":
            codes = np.full(n, -1.0)
            for j, c in enumerate(self.classes_):
                codes[yv == c] = j
            if (codes < 0).any():
                bad = sorted({_py(v) for v in yv[codes < 0]}, key=str)
                raise DataError([Problem("y_batch", f"labels among the model's classes {[_py(c) for c in self.classes_]}",
                                         f"{bad[:10]} ({int((codes < 0).sum())} rows)",
                                         "Recode the labels as in the training data.")])
            yv = codes
        return Xb, np.asarray(yv, dtype=float)

    def _model_X(self, Xb):
        """The batch as the model reads it: a DataFrame with the columns it was fitted with, in their order
        (scikit-learn refuses another order), or an array in the order of its features."""
        cols = Xb[list(self._model_features)]
        if hasattr(self.model, "feature_names_in_"):
            return cols
        return cols.to_numpy(dtype=object if _has_categorical(self.spec_) else float)

    def _predict(self, Xb) -> np.ndarray:
        """Predictions of the model: values (regression) or P(classes_[1]) (classification)."""
        X = self._model_X(Xb)
        if self.task_ == "classification":
            return np.asarray(self.model.predict_proba(X), dtype=float)[:, 1]
        return np.asarray(self.model.predict(X), dtype=float)

    def _fingerprint(self) -> list[float] | None:
        if not self._buffer:
            return None
        last = self._buffer[-1][0]
        rows = last.loc[~self._outside_mask(last)].iloc[:20]  # rows the model can predict
        if not len(rows):
            return None
        return [float(v) for v in self._predict(rows)]

    def _losses(self, pred: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.task_ == "classification":
            p = np.clip(pred, EPS, 1 - EPS)
            return -(y * np.log(p) + (1 - y) * np.log1p(-p))
        return (y - pred) ** 2

    def _seed(self, k: int) -> int:
        return int(np.random.SeedSequence([int(self.random_state), int(k)]).generate_state(1)[0] % (2**31 - 1))

    def _test(self, Xb, yb: np.ndarray, label: str | None) -> DriftStatus:
        import pandas as pd

        k = self.n_batches + 1
        level = batch_level(k, self.alpha, self.false_alarm)
        n = len(yb)
        notes: list[str] = []
        warns: list[str] = []

        # 0. categories the spec does not declare (drift, observed), or that the previous batches never held
        outside, unseen = self._new_categories(Xb)
        for name, levels, rows in unseen:
            warns.append(f"new category: X[{name!r}] holds {levels} ({rows} rows), not seen in the previous "
                         f"{len(self._buffer)} batch(es); the baseline refit on them treats it as a level it was not "
                         "fit on")

        # the model's losses; a model that refuses categories outside the spec (a priorml estimator does) is
        # scored on the other rows, and the loss test pairs the baseline with it on those rows
        Xs, ys = Xb, yb
        try:
            pred = self._predict(Xb)
        except (PriorMLError, ValueError) as exc:
            unlearnt, learnt_levels = self._unlearnt(Xb)
            outside_rows = self._outside_mask(Xb)
            keep = ~(outside_rows | unlearnt)
            if keep.all():  # not a category the model does not know: the model's own problem with this batch
                raise DataError([Problem(
                    "model", "predictions for the rows of X_batch", f"{type(exc).__name__}: {_full_text(exc)}",
                    "If the model cannot take categories it was not fitted on, declare the feature's 'categories' in "
                    "the spec (rows outside them are then reported as drift and left out of the model's loss) or let "
                    "the model handle them (e.g. OneHotEncoder(handle_unknown='ignore')); the batch was not "
                    "recorded.")], title="The monitored model cannot be scored on this batch") from None
            Xs, ys = Xb.loc[keep].reset_index(drop=True), yb[keep]
            pred = self._predict(Xs) if len(ys) else np.empty(0)
            what = " or ".join(w for w, m in (("categories outside the spec", outside_rows.any()),
                                              ("levels the model was not fitted on", unlearnt.any())) if m)
            notes.append(f"the model cannot predict the {n - len(ys)} row(s) holding {what} "
                         f"({_full_text(exc)}); its loss and the loss test use the other {len(ys)} row(s)")
            for name, levels, rows in learnt_levels:
                warns.append(f"X_batch[{name!r}] holds {levels} ({rows} rows), levels the monitored model was not "
                             "fitted on and cannot predict: those rows are left out of its loss (declare the "
                             "feature's categories in the spec to treat such levels as drift)")
        bad = ~np.isfinite(pred)
        if bad.any():  # a NaN loss would make the loss test's p-value NaN, which can never alert
            raise DataError([Problem(
                "model", "a finite prediction for every row of the batch",
                f"{int(bad.sum())} non-finite prediction(s) for {len(pred)} rows (the first for row {int(np.argmax(bad))} "
                "of the batch)", "Check those rows (values the model cannot handle?) or the model; the batch was "
                "not recorded.")], title="The monitored model cannot be scored on this batch")
        loss_model = self._losses(pred, ys)
        n_scored = len(ys)

        # 1. prequential loss test against a baseline refit on the previous batches
        base_loss = stat = pval = None
        base_rows = 0
        d = None
        if not self._buffer:
            notes.append("loss test skipped: no previous batch to fit the baseline on")
        elif n_scored < MIN_ROWS:
            notes.append(f"loss test skipped: {n_scored} rows in the batch"
                         + (" that the model can predict" if n_scored < n else "") + f", fewer than {MIN_ROWS}")
        else:
            Xw = pd.concat([b[0] for b in self._buffer], ignore_index=True)
            yw = np.concatenate([b[1] for b in self._buffer])
            base_rows = len(yw)
            if self.task_ == "classification" and np.unique(yw).size < 2:
                notes.append("loss test skipped: the previous batches hold a single class, no baseline can be fit")
            else:
                try:  # levels new in this batch are declared (names only), so the baseline can score its rows
                    est = self._fit_baseline(Xw, yw, _with_levels(self.spec_, Xw, [Xb]))
                    loss_base = self._losses(self._baseline_predict(est, Xs), ys)
                except SpecError as exc:  # data the baseline cannot read: the rest of the batch is still checked
                    warns.append(f"loss test skipped: the baseline cannot be refit and scored on this data: "
                                 f"{_full_text(exc)}")
                    loss_base = None
                except (ValueError, TypeError) as exc:
                    if self.baseline is None or isinstance(self.baseline, str):
                        raise
                    raise PriorMLError(
                        f"the baseline {type(self.baseline).__name__} could not be refit on the previous "
                        f"{len(self._buffer)} batch(es) and scored on this one: {type(exc).__name__}: "
                        f"{first_line(exc)}. A custom baseline gets the spec's columns as a DataFrame (categorical "
                        "ones as text); give it the encoding it needs (e.g. a Pipeline with a ColumnTransformer) or "
                        "use a named baseline. The batch was not recorded.") from exc
                if loss_base is not None and not np.isfinite(loss_base).all():  # a NaN p-value could never alert
                    bad = ~np.isfinite(loss_base)
                    warns.append(f"loss test skipped: the baseline (refit on the previous {len(self._buffer)} "
                                 f"batch(es)) made {int(bad.sum())} non-finite prediction(s) for the {len(ys)} rows "
                                 f"scored (the first for row {int(np.argmax(bad))}); check the baseline estimator")
                elif loss_base is not None:
                    base_loss = float(np.mean(loss_base))
                    d = loss_model - (1.0 + self.margin) * loss_base
                    stat, pval = _paired_t(d)

        # 2. constraints on the latest window (new batch included)
        constraints: list[dict[str, Any]] = []
        m_tests = int(pval is not None)
        if self.check_constraints:
            Xc = pd.concat([b[0] for b in self._buffer[-(self.window - 1):]] + [Xb], ignore_index=True) if self.window > 1 else Xb
            yc = np.concatenate([b[1] for b in self._buffer[-(self.window - 1):]] + [yb]) if self.window > 1 else yb
            guess = level / (m_tests + max(1, _count_constraints(self.spec_)))
            if self.task_ == "classification" and np.unique(yc).size < 2:  # named by its label, not its 0/1 code
                warns.append(f"constraint check skipped: the latest {min(self.window, k)} batch(es) ({len(yc)} rows) "
                             f"hold a single class ({_py(self.classes_[int(yc[0])])!r}); the constraint tests need "
                             f"examples of both classes {[_py(c) for c in self.classes_]}")
            else:
                try:
                    constraints = self._check_constraints(Xc, yc, guess, self._seed(k), _with_levels(self.spec_, Xc, []))
                except PriorMLError as exc:
                    warns.append(f"constraint check skipped: {_full_text(exc)}")
            m_tests += sum(c["p_value"] is not None for c in constraints)
        test_level = level / m_tests if m_tests else None

        # 3. decisions and reasons
        reasons: list[str] = []
        if pval is not None and pval <= test_level:
            reasons.append(
                f"loss test: the model's mean {self.loss_name} {float(np.mean(loss_model)):.4g} exceeds "
                + (f"(1 + {self.margin:g}) x " if self.margin else "")
                + f"the baseline's {base_loss:.4g} (refit on the previous {len(self._buffer)} batch(es), {base_rows} rows) "
                f"on {n_scored} new rows: one-sided paired t = {stat:.3g}, p = {pval:.3g} <= level {test_level:.3g}")
        contradicted: list[str] = []
        for name, levels, rows in outside:
            contradicted.append(f"{name}: categories")
            reasons.append(f"category outside the spec: X[{name!r}] holds {levels} ({rows} rows), not among the "
                           f"declared categories {list(self.spec_[name].categories)} (observed, not tested)")
        rows_c = len(yc) if self.check_constraints else 0
        for c in constraints:
            if c["p_value"] is None:  # not a test: output bounds (targets outside them), or untestable on this window
                c["contradicted"] = c["verdict"] == "contradicted"
                why = "observed, not tested"
            else:
                c["contradicted"] = c["p_value"] <= test_level
                why = f"p = {c['p_value']:.3g} <= level {test_level:.3g}"
            if c["contradicted"]:
                name = f"{c['feature']}: {c['constraint']}"
                contradicted.append(name)
                reasons.append(f"constraint contradicted on the latest {min(self.window, k)} batch(es) ({rows_c} rows): "
                               f"{name}: {c['evidence']} ({why})")
        if stat is not None and not math.isfinite(stat):
            stat = None  # (all differences equal) kept as missing, as it is saved
        return DriftStatus(batch=k, label=label, n_rows=n, alert=bool(reasons), reasons=reasons, loss=self.loss_name,
                           model_loss=float(np.mean(loss_model)) if n_scored else math.nan, baseline_loss=base_loss, statistic=stat, p_value=pval,
                           level=level, test_level=test_level, n_tests=m_tests, baseline_rows=base_rows,
                           contradicted=contradicted, constraints=constraints, notes=notes, warnings=warns)

    def _new_categories(self, Xb) -> tuple[list[tuple[str, list, int]], list[tuple[str, list, int]]]:
        """``(feature, levels, rows)`` of the batch's categories outside the spec's declared ones, and of those
        (of features without declared categories) that none of the previous batches held."""
        from ..spec.features import _cat_key

        outside, unseen = [], []
        for f in self.spec_.features:
            if not isinstance(f, CategoricalFeature):
                continue
            if f.categories is not None:
                known = {_cat_key(c) for c in f.categories}
            elif self._buffer:
                known = {_cat_key(v) for b in self._buffer for v in _levels(b[0], f.name)}
            else:
                continue
            rows = _unknown_rows(Xb[f.name], known)
            if rows.any():
                new = {_cat_key(v): v for v in Xb[f.name][rows]}
                (outside if f.categories is not None else unseen).append(
                    (f.name, _sorted_levels(new.values()), int(rows.sum())))
        return outside, unseen

    def _unlearnt(self, Xb) -> tuple[np.ndarray, list[tuple[str, list, int]]]:
        """Rows of a canonical batch holding a level that a priorml model learnt no category for (a feature
        without declared categories), with ``(feature, levels, rows)`` per feature; none for other models."""
        from ..spec.features import _cat_key
        from ..estimators._base import SpecEstimator

        mask = np.zeros(len(Xb), dtype=bool)
        found = []
        if not isinstance(self.model, SpecEstimator) or not hasattr(self.model, "schema_"):
            return mask, found
        for fs in self.model.schema_.features:
            if fs.kind != "categorical" or not fs.categories or fs.name not in Xb:
                continue
            rows = _unknown_rows(Xb[fs.name], {_cat_key(c) for c in fs.categories})
            if rows.any():
                found.append((fs.name, _sorted_levels({_cat_key(v): v for v in Xb[fs.name][rows]}.values()),
                              int(rows.sum())))
                mask |= rows
        return mask, found

    def _outside_mask(self, Xb) -> np.ndarray:
        """Rows of a canonical batch holding a category outside a feature's declared ``categories``."""
        from ..spec.features import _cat_key

        mask = np.zeros(len(Xb), dtype=bool)
        for f in self.spec_.features:
            if isinstance(f, CategoricalFeature) and f.categories is not None:
                mask |= _unknown_rows(Xb[f.name], {_cat_key(c) for c in f.categories})
        return mask

    def _check_constraints(self, X, y, alpha: float, seed: int, spec: Spec | None = None) -> list[dict[str, Any]]:
        try:
            from .assumptions import check_assumptions
        except ImportError as exc:  # pragma: no cover - the module ships with priorml
            raise PriorMLError(f"constraint checks need priorml.audit.assumptions ({exc}); "
                               "pass check_constraints=False to monitor the loss only.") from None
        params = dict(self.assumption_params or {})
        params.setdefault("progress", False)
        report = check_assumptions(self.spec_ if spec is None else spec, X, y, alpha=alpha, random_state=seed, **params)
        out = []
        for row in report.table.to_dict("records"):
            pv = row.get("p_value")
            pv = None if pv is None or (isinstance(pv, float) and math.isnan(pv)) else float(pv)
            out.append(_jsonable({"feature": str(row.get("feature")), "constraint": str(row.get("constraint")),
                                  "verdict": str(row.get("verdict")), "p_value": pv,
                                  "evidence": str(row.get("evidence", "")), "contradicted": False}))
        return out

    def _fit_baseline(self, X, y: np.ndarray, spec: Spec | None = None):
        from sklearn.base import clone

        est = clone(_make_baseline(self.baseline, self.spec_ if spec is None else spec, self.task_, self.random_state))
        yy = y.astype(int) if self.task_ == "classification" else y
        with warnings.catch_warnings(), _threads(len(y)):
            warnings.simplefilter("ignore", UserWarning)
            return est.fit(X, yy)

    def _baseline_predict(self, est, X) -> np.ndarray:
        with _threads(len(X)):
            if self.task_ == "classification":
                proba = np.asarray(est.predict_proba(X), dtype=float)
                return proba[:, list(np.asarray(est.classes_).tolist()).index(1)]
            return np.asarray(est.predict(X), dtype=float)


# ---------------------------------------------------------------------- helpers
def _paired_t(d: np.ndarray) -> tuple[float, float]:
    """One-sided paired t-test of H0: E[d] <= 0 against E[d] > 0."""
    from scipy import stats

    n = d.size
    mean = float(np.mean(d))
    sd = float(np.std(d, ddof=1)) if n > 1 else 0.0
    if sd == 0.0:  # all differences equal: no noise to test against
        return (math.inf if mean > 0 else -math.inf if mean < 0 else 0.0), (0.0 if mean > 0 else 1.0)
    t = mean / (sd / math.sqrt(n))
    return float(t), float(stats.t.sf(t, df=n - 1))


def _check_params(mon: DriftMonitor) -> None:
    problems: list[Problem] = []
    w = mon.window
    if not is_int(w, 1):
        problems.append(Problem("window", "an integer >= 1 (batches the baseline is refit on)", repr(w), "For example window=3."))
    a = mon.alpha
    if not is_probability(a):
        problems.append(Problem("alpha", "a false-alarm level strictly between 0 and 1", repr(a), "For example alpha=0.05."))
    if mon.false_alarm not in ("stream", "batch"):
        problems.append(Problem("false_alarm", "'stream' or 'batch'", repr(mon.false_alarm)))
    mg = mon.margin
    if not (is_real(mg) and mg >= 0):
        problems.append(Problem("margin", "a relative tolerance >= 0", repr(mg), "Use 0 to alert on any significant loss gap."))
    if (p := flag_problem(mon.check_constraints, "check_constraints")) is not None:
        problems.append(p)
    rs = mon.random_state
    if not is_int(rs, 0, MAX_SEED):
        problems.append(Problem("random_state", "an integer from 0 to 2**32 - 1 (the monitor must be reproducible "
                                "to resume)", repr(rs), "For example random_state=0."))
    ap = mon.assumption_params
    if ap is not None:
        try:
            if not isinstance(ap, dict):
                raise TypeError
            json.dumps(ap, allow_nan=False)
        except (TypeError, ValueError):
            problems.append(Problem("assumption_params", "a JSON-serialisable dict of check_assumptions arguments",
                                    repr(ap)[:100], "Pass numbers and strings only (they are saved with the state)."))
        else:
            clash = sorted(set(ap) & {"alpha", "random_state"})
            if clash:
                problems.append(Problem("assumption_params", "no 'alpha' or 'random_state' (the monitor sets them per batch)",
                                        repr(clash), "Set alpha and random_state on the DriftMonitor itself."))
            problems += _assumption_params_problems({k: v for k, v in ap.items() if k not in clash})
    b = mon.baseline
    if b is not None and not isinstance(b, str) and not (hasattr(b, "fit") and hasattr(b, "get_params")):
        problems.append(Problem("baseline", "a model name such as 'hist_gradient_boosting', or an unfitted scikit-learn estimator",
                                type(b).__name__))
    model = mon.model
    if not hasattr(model, "predict"):
        problems.append(Problem("model", "a fitted priorml estimator (with predict)", type(model).__name__))
    else:
        from sklearn.exceptions import NotFittedError
        from sklearn.utils.validation import check_is_fitted

        try:
            check_is_fitted(model)
        except NotFittedError:
            problems.append(Problem("model", "a fitted estimator", f"an unfitted {type(model).__name__}",
                                    "Call model.fit(X, y) (or priorml.load(dir)) before monitoring it."))
        except TypeError:
            problems.append(Problem("model", "a fitted scikit-learn estimator", type(model).__name__))
    if problems:
        raise SpecError(problems, title="Invalid DriftMonitor arguments")


def _assumption_params_problems(params: dict[str, Any]) -> list[Problem]:
    """The problems :func:`priorml.check_assumptions` would raise at every batch, found now: unknown
    arguments (with a suggestion) and bad values (its own argument checks), each named
    ``assumption_params['key']``."""
    import dataclasses
    import inspect

    from ..errors import did_you_mean

    try:
        from . import assumptions
    except ImportError:  # pragma: no cover - the module ships with priorml; update() says so if it is missing
        return []
    signature = inspect.signature(assumptions.check_assumptions).parameters
    known = [k for k, p in signature.items()
             if p.kind is inspect.Parameter.KEYWORD_ONLY and k not in ("alpha", "random_state")]
    problems = [Problem(f"assumption_params[{key!r}]", f"an argument of check_assumptions ({', '.join(known)})",
                        repr(key), did_you_mean(key, known).strip() or "Remove it.")
                for key in params if key not in known]
    checker = getattr(assumptions, "_check_args", None)
    if problems or checker is None:
        return problems
    values = {k: p.default for k, p in signature.items() if p.default is not inspect.Parameter.empty}
    values.update(params)
    try:
        checker(**{k: values[k] for k in inspect.signature(checker).parameters})
    except SpecError as exc:
        return [dataclasses.replace(p, where=f"assumption_params[{p.where!r}]") if p.where in params else p
                for p in exc.problems]
    except (KeyError, TypeError):  # a checker of another shape: check_assumptions reports at update time
        pass
    return []


def _model_task(model: Any) -> tuple[str, np.ndarray | None]:
    classes = getattr(model, "classes_", None)
    if classes is None:
        return "regression", None
    classes = np.asarray(classes)
    if classes.size != 2 or not hasattr(model, "predict_proba"):
        raise SpecError([Problem("model", "a regressor or a binary classifier with predict_proba",
                                 f"a classifier with {classes.size} classes" if classes.size != 2 else "a classifier without predict_proba")],
                        title="Invalid DriftMonitor arguments")
    return "classification", classes


def _resolve_spec(spec: Any, model: Any, task: str) -> Spec:
    from ..estimators._base import resolve_spec

    if spec is None:
        spec = getattr(model, "spec_", None)
        if spec is None:
            raise SpecError([Problem("spec", "a spec (the model has no spec_ to take it from)", "None",
                                     "Pass the spec the model was built with.")], title="Invalid DriftMonitor arguments")
    return resolve_spec(spec, None, task)


def _model_features(model: Any, spec: Spec) -> tuple[str, ...]:
    """The columns the model reads, in its order: the names it was fitted with (``feature_names_in_``),
    else its spec's features, else the monitor's spec's."""
    mspec = getattr(model, "spec_", None)
    names = tuple(mspec.feature_names) if mspec is not None else tuple(spec.feature_names)
    missing = [n for n in names if n not in spec.feature_names]
    if missing:
        raise SpecError([Problem("spec", "a spec declaring every feature the model uses",
                                 f"no feature(s) {missing} in the spec", "Pass spec=None to use the model's own spec.")],
                        title="Invalid DriftMonitor arguments")
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is not None:
        fitted = tuple(str(c) for c in fitted)
        outside = [c for c in fitted if c not in spec.feature_names]
        if outside:
            raise SpecError([Problem("model", "a model fitted on columns that the spec declares",
                                     f"columns {outside} in model.feature_names_in_, not in the spec "
                                     f"{list(spec.feature_names)}",
                                     "Declare those features in the spec, or monitor a model fitted on the spec's "
                                     "columns.")],
                            title="Invalid DriftMonitor arguments")
        names = fitted
    return names


def _levels(X: Any, name: str) -> list:
    """The distinct categories of a canonical column (Python scalars, ``None`` for missing)."""
    return [v for v in X[name].unique() if v is not None]


def _unknown_rows(col: Any, known: set[str]) -> np.ndarray:
    """Rows of a canonical categorical column holding a level (not missing) whose text is not in ``known``."""
    from ..spec.features import _cat_key

    return np.array([v is not None and _cat_key(v) not in known for v in col], dtype=bool)


def _sorted_levels(levels: Any) -> list:
    from ..spec.schema import _sort_key

    return sorted(levels, key=_sort_key)


def _with_levels(spec: Spec, fit_X: Any, other_X: list) -> Spec:
    """``spec`` with the categories of ``fit_X`` and ``other_X`` declared (names only, no target) for each
    categorical feature where these hold a level that the spec's declared categories, or (none declared)
    ``fit_X``, lack: a model fitted on ``fit_X`` then knows the level and treats it as one it never saw
    (histogram gradient boosting as missing, one-hot encodings as no indicator). Features whose levels cannot
    be declared (not strings or integers) are left as they are."""
    from ..spec.features import _cat_key
    from ._engine import extend_categories

    feats, changed = [], False
    for f in spec.features:
        if isinstance(f, CategoricalFeature):
            present = {_cat_key(v): v for X in [fit_X, *other_X] for v in _levels(X, f.name)}
            known = ({_cat_key(c) for c in f.categories} if f.categories is not None
                     else {_cat_key(v) for v in _levels(fit_X, f.name)})
            declared = extend_categories(f, present.values()) if set(present) - known else None
            if declared is not None:
                f, changed = declared, True
        feats.append(f)
    return spec.replace(features=tuple(feats)) if changed else spec


def _full_text(exc: BaseException) -> str:
    """An error's message on one line, every problem included (history cells are one line)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    return " ".join([lines[0]] + [line[2:] if line.startswith("- ") else line for line in lines[1:]])


def _has_categorical(spec: Spec) -> bool:
    return any(isinstance(f, CategoricalFeature) for f in spec.features)


def _count_constraints(spec: Spec) -> int:
    n = 0
    for f in spec.features:
        if isinstance(f, CategoricalFeature):
            n += bool(f.order)
        else:
            n += bool(f.monotonic) + bool(f.shape) + bool(f.unimodal)
    return n + len(spec.interactions) + (spec.output is not None)


def _baseline_config(baseline: Any) -> dict[str, str]:
    if baseline is None:
        return {"name": "hist_gradient_boosting"}
    if isinstance(baseline, str):
        return {"name": baseline}
    return {"custom": type(baseline).__name__}


def _make_baseline(baseline: Any, spec: Spec, task: str, random_state: int):
    """An unfitted baseline: the user's estimator, or a model name built by :func:`~priorml.audit.compare.build_models`."""
    if baseline is not None and not isinstance(baseline, str):
        return baseline
    from .compare import build_models

    return build_models(spec, [baseline or "hist_gradient_boosting"], task=task, random_state=random_state)[0][2]


def _threads(n_rows: int):
    """One OpenMP/BLAS thread for small windows: threading costs more than it saves there, and oversubscribes
    a busy machine (a 450-row gradient boosting fit goes from ~0.4 s to several seconds)."""
    from contextlib import nullcontext

    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1) if n_rows < 20_000 else nullcontext()


def _batch_error(problems: list[Problem]) -> DataError:
    """The problems of a batch with the data named as :meth:`DriftMonitor.update` names its arguments:
    ``X_batch`` (``X_batch['col']`` for a column) and ``y_batch``, not the ``X``/``y`` of ``fit``."""
    import dataclasses

    def rename(p: Problem) -> Problem:
        where = p.where
        if where == "X" or where.startswith("X["):
            where = "X_batch" + where[1:]
        elif where == "y":
            where = "y_batch"
        text = {"expected": p.expected, "fix": p.fix}
        for key, value in text.items():
            text[key] = (value.replace("(one per row of X)", "(one per row of X_batch)")
                         .replace("X and y must", "X_batch and y_batch must").replace("before fitting", "before monitoring"))
        return dataclasses.replace(p, where=where, **text)

    return DataError([rename(p) for p in problems])


def _canonical_frame(columns: dict[str, np.ndarray]):
    """A canonical batch as a DataFrame: categorical columns stay ``object`` with ``None`` for missing (pandas 3
    would infer a string dtype and turn ``None`` into NaN, which the category checks would take for a level)."""
    import pandas as pd

    return pd.DataFrame({c: pd.Series(v, dtype=object) if v.dtype == object else v for c, v in columns.items()})


def _date_tag(v: Any) -> str | None:
    """How a categorical date level is tagged in the state file (the most specific class first), else None."""
    import datetime

    import pandas as pd

    if isinstance(v, pd.Timestamp):
        return "timestamp"
    if isinstance(v, datetime.datetime):
        return "datetime"
    if isinstance(v, datetime.date):
        return "date"
    return None


def _column_to_json(f: Any, col: Any) -> list:
    """A column of a canonical batch as JSON values. Categorical dates (``datetime.date``, ``datetime``,
    ``pd.Timestamp``) are tagged with their type and ISO text, so that a resumed monitor holds the same levels;
    other levels that JSON cannot hold are refused, naming the feature."""
    values = [_py(v) for v in col.tolist()]
    if not isinstance(f, CategoricalFeature):
        return values
    out = []
    for v in values:
        if v is None or isinstance(v, (str, bool, int)) or (isinstance(v, float) and math.isfinite(v)):
            out.append(v)
        elif (tag := _date_tag(v)) is not None:
            out.append({tag: v.isoformat()})
        else:
            raise DataError([Problem(f"X_batch[{f.name!r}]", "categorical levels that a drift state can store (text, "
                                     "numbers, booleans or dates)", f"{v!r} of type {type(v).__name__}",
                                     f"Convert the column to text, e.g. X[{f.name!r}].astype(str), in every batch "
                                     "(and for the model).", f.name)],
                            title="The drift state cannot store this batch")
    return out


def _level_from_json(v: Any) -> Any:
    if not isinstance(v, dict):
        return v
    import datetime

    import pandas as pd

    (tag, text), = v.items()
    parse = {"timestamp": pd.Timestamp, "datetime": datetime.datetime.fromisoformat,
             "date": datetime.date.fromisoformat}[tag]
    return parse(text)


def _column_from_json(f: Any, values: list) -> np.ndarray:
    if isinstance(f, CategoricalFeature):
        out = np.empty(len(values), dtype=object)  # np.array would read the dates' tags as nested objects
        out[:] = [_level_from_json(v) for v in values]
        return out
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def _py(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v


def _jsonable(obj: Any) -> Any:
    """Plain JSON types: numpy scalars to Python, NaN and inf to None, tuples to lists."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _file_mode(target: Path) -> int:
    """The permissions of the state file: those of the file it replaces, else ``0o666`` less the umask."""
    import stat

    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        pass
    umask = os.umask(0o022)  # reading the umask means setting it: put it back at once
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    """Sync a directory's entries (a rename in it) to disk; a no-op where directories cannot be opened."""
    flag = getattr(os, "O_DIRECTORY", None)
    if flag is None:  # Windows: no directory handles
        return
    try:
        fd = os.open(directory, os.O_RDONLY | flag)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a value a drift state holds")


def _finite_float(text: str) -> float:
    v = float(text)
    if not math.isfinite(v):
        raise ValueError(f"the number {text[:30]} is out of the float range")
    return v


def _checksum(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _len(X: Any) -> int:
    shape = getattr(X, "shape", None)
    return int(shape[0]) if shape is not None else len(X)


def _axes(ax):
    if ax is None:
        import matplotlib

        if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo") and not os.environ.get("DISPLAY"):
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4))
        return fig, ax
    return ax.figure, ax
