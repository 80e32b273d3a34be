"""Does the knowledge pay off? Constrained models against unconstrained baselines.

:func:`compare` fits the constrained models of a spec (the lattice by default,
the Bayesian model on request), unconstrained baselines (random forest,
histogram gradient boosting, linear or logistic regression) and a peer that
imposes the spec's monotone constraints inside gradient boosting, on the same
resampling splits, and reports every metric with a paired interval for the
difference to the best baseline. :func:`learning_curve` repeats this at growing
training sizes to show where the knowledge matters most.

Protocol
--------
``cv=None`` chooses by the number of rows ``n``: leave-one-out below 50 rows,
5-fold cross-validation repeated twice from 50 to 999 rows, 5-fold once from
1000 rows; folds are shuffled with ``random_state`` and stratified by class for
classification. ``cv`` may also be a number of folds, ``"loo"`` or any
scikit-learn splitter. Every model sees the same splits, so differences are
paired.

Statistics
----------
The primary metric (``metric=None``) is the RMSE for regression and the log
loss for classification: both are proper, continuous and defined on every
fold. The best baseline is the ``kind == 'baseline'`` model with the best mean
primary metric (chosen on the same folds, which favours the baseline). For
k-fold protocols the difference of each model to it is computed per split and
its interval is the Nadeau-Bengio corrected resampled t interval
(variance factor ``1/J + n_test/n_train`` over ``J`` splits, t with ``J - 1``
degrees of freedom, ``n_train`` being the rows each fit used: the subsample
size in a learning curve), which accounts for the overlap of the training sets
that makes the plain t interval too narrow. For leave-one-out, per-split R2, AUC
and the like are undefined: all metrics are computed on the pooled
out-of-fold predictions and the interval is a paired percentile bootstrap
over rows (2000 resamples), which treats the fitted models as fixed.
Pooled leave-one-out ROC AUC is biased downwards, the more so the more a model
leans on the training mean: leaving out a positive row lowers the share of
positives the model is fitted on, so its prediction for that row drops (a
model that predicts the training class share has pooled AUC 0, not 0.5). A
comparison with ``metric="roc_auc"`` under leave-one-out says so in its notes;
the default log loss has no such bias.

Scaling out
-----------
Every fit is one joblib task, ``(model, split)`` (and size, for learning
curves), run by ``joblib.Parallel(n_jobs=n_jobs)``; the per-task seeds depend
on ``random_state`` and the task's place in the protocol only, so results do not
depend on where or in which order the tasks run. To spread the fits over a Dask
cluster::

    from dask.distributed import Client
    import joblib
    client = Client("tcp://scheduler:8786")      # or Client(LocalCluster(...))
    with joblib.parallel_backend("dask"):
        result = priorml.compare(spec, X, y)

Ray works the same way after ``from ray.util.joblib import register_ray;
register_ray()`` with ``joblib.parallel_backend("ray")``. Locally, ``n_jobs=-1``
uses every core. Each fit limits BLAS/OpenMP to one thread, so parallelism
comes from the tasks and never oversubscribes the cores.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..errors import PriorMLError, Problem, SpecError
from . import _metrics
from ._engine import jsonable, prepare, resolve_sizes, run, summarise
from ._models import DEFAULT_MODELS, SpecEncoder, build_models, monotonic_cst

__all__ = ["compare", "Comparison", "learning_curve", "LearningCurve", "build_models", "SpecEncoder",
           "monotonic_cst", "DEFAULT_MODELS"]


# ---------------------------------------------------------------------- text and plots
def _fmt(v: Any, digits: int = 4) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "-"
    if isinstance(v, (float, np.floating)):
        return f"{v:.{digits}g}"
    return str(v)


def _text_table(head: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return [line(head), line(["-" * w for w in widths])] + [line(b) for b in body]


def _better_word(metric: str) -> str:
    return "lower is better" if metric in _metrics.LOWER_IS_BETTER else "higher is better"


def _interval(row: Any) -> str:
    d, lo, hi = row["diff_vs_best_baseline"], row["diff_ci_low"], row["diff_ci_high"]
    if not np.isfinite(d):
        return "-"
    return f"{d:+.3g} [{_fmt(lo, 3)}, {_fmt(hi, 3)}]"


_KIND_STYLE = {"constrained": "-", "peer": ":", "baseline": "--"}


def _new_figure(ax: Any, ncols: int = 1, width: float = 6.4) -> tuple[Any, list[Any]]:
    if ax is not None:
        return ax.figure, [ax]
    from matplotlib.figure import Figure  # no pyplot: works with any backend, headless included

    fig = Figure(figsize=(width * ncols, 4.2), layout="constrained")
    return fig, [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]


class Comparison:
    """Result of :func:`compare`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model: ``model``, ``kind`` (constrained, baseline, peer),
        ``<metric>_mean`` and ``<metric>_sd`` for every metric (mean and sd
        over splits; for leave-one-out the pooled value and NaN),
        ``diff_vs_best_baseline`` (model minus best baseline on the primary
        metric), ``diff_ci_low``, ``diff_ci_high``, ``diff_p_value`` and
        ``verdict`` (``better``, ``worse``, ``no clear difference``,
        ``best baseline``).
    folds : pandas.DataFrame
        One row per (model, split): ``split``, ``repeat``, ``fold``,
        ``n_train``, ``n_test``, ``fit_seconds`` and every metric on that
        split's test rows (single-row folds of leave-one-out leave R2, AUC,
        precision, ... undefined or meaningless: use ``table``).
    predictions : pandas.DataFrame
        Out-of-fold predictions: ``model``, ``split``, ``row`` (position in
        ``X``), ``y_true``, ``prediction`` (probability of the positive class
        for classification).
    primary_metric : str
        ``'rmse'`` (regression) or ``'log_loss'`` (classification) unless
        ``metric`` was given.
    best_baseline : str or None
        The baseline with the best mean primary metric.
    protocol : dict
        Name, description, number of splits and repeats, whether metrics are pooled.
    task, confidence, notes
        The task, the interval coverage and notes on choices made.
    """

    def __init__(self, *, table, folds, predictions, primary_metric, best_baseline, protocol, task, confidence,
                 notes):
        self.table = table
        self.folds = folds
        self.predictions = predictions
        self.primary_metric = primary_metric
        self.best_baseline = best_baseline
        self.protocol = protocol
        self.task = task
        self.confidence = confidence
        self.notes = notes

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics computed, in table order."""
        return _metrics.metrics_for(self.task)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: table and folds as lists of records, NaN as None."""
        return jsonable({"task": self.task, "primary_metric": self.primary_metric,
                         "lower_is_better": self.primary_metric in _metrics.LOWER_IS_BETTER,
                         "best_baseline": self.best_baseline, "confidence": self.confidence,
                         "protocol": self.protocol, "notes": self.notes, "table": self.table, "folds": self.folds})

    def __str__(self) -> str:
        m = self.primary_metric
        shown = ("rmse", "mae", "r2") if self.task == "regression" else ("log_loss", "accuracy", "roc_auc", "brier")
        others = [x for x in shown if x != m][:3]  # every metric is in .table
        pct = f"{100 * self.confidence:g}%"
        head = ["model", "kind", f"{m}"] + others + [f"diff vs {self.best_baseline or 'baseline'} [{pct} CI]", "verdict"]
        pooled = self.protocol.get("pooled")
        body = []
        for _, r in self.table.iterrows():
            main = _fmt(r[f"{m}_mean"]) + ("" if pooled else f" ± {_fmt(r[f'{m}_sd'], 2)}")
            body.append([r["model"], r["kind"], main] + [_fmt(r[f"{x}_mean"]) for x in others]
                        + [_interval(r), r["verdict"]])
        out = [f"Comparison ({self.task}, n = {self.protocol['n_rows']}): {self.protocol['description']}",
               f"primary metric: {m} ({_better_word(m)}); "
               + ("pooled out-of-fold metrics, paired bootstrap intervals" if pooled
                  else "mean ± sd over splits, Nadeau-Bengio corrected t intervals")]
        out += _text_table(head, body)
        out += [f"note: {n}" for n in self.notes]
        return "\n".join(out)

    __repr__ = __str__

    def plot(self, ax: Any = None):
        """Primary metric per model (mean ± sd) and difference to the best baseline with its interval.

        Parameters
        ----------
        ax : matplotlib Axes or None
            Draw only the difference panel (or the metric panel when there is
            no baseline) on this Axes. ``None``: a new Figure with both panels.

        Returns
        -------
        matplotlib.figure.Figure
        """
        t = self.table
        m = self.primary_metric
        diff_panel = self.best_baseline is not None
        fig, axes = _new_figure(ax, 1 if ax is not None else (2 if diff_panel else 1))
        ypos = np.arange(len(t))[::-1]
        colors = {"constrained": "tab:blue", "peer": "tab:green", "baseline": "tab:gray"}
        col = [colors.get(k, "tab:orange") for k in t["kind"]]
        panels = []
        if ax is None or not diff_panel:
            panels.append(("metric", axes[0]))
        if diff_panel:
            panels.append(("diff", axes[-1]))
        for what, a in panels:
            if what == "metric":
                sd = np.nan_to_num(t[f"{m}_sd"].to_numpy(dtype=float))
                a.barh(ypos, t[f"{m}_mean"], xerr=sd, color=col, alpha=0.8)
                a.set_xlabel(f"{m} ({_better_word(m)})")
                a.set_title(self.protocol["description"][:60], fontsize=9)
            else:
                d = t["diff_vs_best_baseline"].to_numpy(dtype=float)
                lo = t["diff_ci_low"].to_numpy(dtype=float)
                hi = t["diff_ci_high"].to_numpy(dtype=float)
                ok = np.isfinite(lo) & np.isfinite(hi)
                a.axvline(0, color="black", lw=0.8)
                for i in range(len(t)):
                    if np.isfinite(d[i]):
                        xerr = [[d[i] - lo[i]], [hi[i] - d[i]]] if ok[i] else None
                        a.errorbar(d[i], ypos[i], xerr=xerr, fmt="o", color=col[i], capsize=3)
                a.set_xlabel(f"{m} minus {self.best_baseline} ({100 * self.confidence:g}% CI)")
            a.set_yticks(ypos)
            a.set_yticklabels(t["model"])
        return fig


class LearningCurve:
    """Result of :func:`learning_curve`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (size, model): ``size`` (as requested), ``n_train`` (rows
        actually used per fit), then the columns of :attr:`Comparison.table`,
        the difference being to the best baseline *at that size*.
    payoff : pandas.DataFrame
        One row per size: the best constrained model against the best
        baseline, ``diff``, ``ci_low``, ``ci_high``, ``p_value``, ``verdict``.
    more_data : pandas.DataFrame
        Would collecting more data help? One row per model: the change of the
        primary metric from the second largest size to the largest
        (``from_n_train``, ``to_n_train``, ``from_value``, ``to_value``,
        ``change``), its interval ``ci_low``, ``ci_high`` and two-sided
        ``p_value`` (paired by split: Nadeau-Bengio corrected t interval with
        the correction term of the smaller size, or the paired bootstrap for
        leave-one-out), and ``trend``: ``still
        improving`` (the interval lies on the better side of 0: more data of
        the same kind likely helps), ``flat within noise``, ``getting worse``
        or ``no interval``. Empty when a single size was fitted.
    folds, predictions, primary_metric, protocol, task, confidence, notes
        As in :class:`Comparison`; ``folds`` has a ``size`` column.
    """

    def __init__(self, *, table, payoff, folds, predictions, primary_metric, protocol, task, confidence, notes,
                 more_data=None):
        import pandas as pd

        from ._engine import MORE_DATA_COLUMNS

        self.table = table
        self.payoff = payoff
        self.more_data = more_data if more_data is not None else pd.DataFrame(columns=MORE_DATA_COLUMNS)
        self.folds = folds
        self.predictions = predictions
        self.primary_metric = primary_metric
        self.protocol = protocol
        self.task = task
        self.confidence = confidence
        self.notes = notes

    def summary(self) -> str:
        """Where the knowledge pays off: per size, the best constrained model against the best baseline."""
        m = self.primary_metric
        pct = f"{100 * self.confidence:g}%"
        lines = []
        for _, r in self.payoff.iterrows():
            if r["best_constrained"] is None or r["best_baseline"] is None:
                lines.append(f"n_train = {r['n_train']}: {r['verdict']}")
                continue
            lines.append(f"n_train = {r['n_train']}: {r['best_constrained']} vs {r['best_baseline']}: "
                         f"{m} difference {_fmt(r['diff'], 3)} ({pct} CI {_fmt(r['ci_low'], 3)} to "
                         f"{_fmt(r['ci_high'], 3)}): {r['verdict']}")
        wins = [int(n) for n, v in zip(self.payoff["n_train"], self.payoff["verdict"]) if v == "better"]
        losses = [int(n) for n, v in zip(self.payoff["n_train"], self.payoff["verdict"]) if v == "worse"]
        more = self.more_data_summary()
        if not (self.payoff["best_constrained"].notna().any() and self.payoff["best_baseline"].notna().any()):
            return ("No comparison: the models include no constrained model or no baseline "
                    "(kinds 'constrained' and 'baseline').\n" + more)
        if wins:
            head = (f"The constrained model is clearly better (the {pct} interval excludes 0) at "
                    f"n_train = {', '.join(map(str, wins))}")
        else:
            head = ("The constrained model is not clearly better than the best baseline at any size tried")
        if losses:
            head += f"; clearly worse at n_train = {', '.join(map(str, losses))}"
        return head + ".\n" + "\n".join(lines) + "\n" + more

    def more_data_summary(self) -> str:
        """Would more data help? One sentence per model of interest: the best constrained model and the
        best baseline at the largest size (every model when there is neither), from :attr:`more_data`."""
        md = self.more_data
        if md is None or len(md) == 0:
            return ("More data: only one training size was fitted; fit at least two (e.g. sizes=(0.5, 1.0)) "
                    "to see whether collecting more data would help.")
        m = self.primary_metric
        pct = f"{100 * self.confidence:g}%"
        last = self.payoff.iloc[-1]
        names = ([x for x in (last["best_constrained"], last["best_baseline"]) if isinstance(x, str)]
                 or list(md["model"]))
        rows = [md[md["model"] == x].iloc[0] for x in names if (md["model"] == x).any()]
        lower = m in _metrics.LOWER_IS_BETTER
        first = md.iloc[0]
        out = [f"More data? Change of {m} from n_train = {first['from_n_train']} to {first['to_n_train']} "
               f"(the two largest sizes, {pct} CI):"]
        for r in rows:
            said = {"still improving": ("error still falling at the largest size: more data likely helps" if lower
                                        else "score still rising at the largest size: more data likely helps"),
                    "flat within noise": "flat within noise at the largest size: no sign that more data would help",
                    "getting worse": ("worse at the largest size (noise or an unstable fit): no sign that more "
                                      "data would help")}.get(r["trend"], "no interval (too few splits)")
            out.append(f"  {r['model']} ({r['kind']}): {_fmt(r['from_value'])} -> {_fmt(r['to_value'])}, change "
                       f"{_fmt(r['change'], 3)} ({pct} CI {_fmt(r['ci_low'], 3)} to {_fmt(r['ci_high'], 3)}): {said}")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: table, payoff and folds as lists of records, NaN as None."""
        return jsonable({"task": self.task, "primary_metric": self.primary_metric,
                         "lower_is_better": self.primary_metric in _metrics.LOWER_IS_BETTER,
                         "confidence": self.confidence, "protocol": self.protocol, "notes": self.notes,
                         "summary": self.summary(), "table": self.table, "payoff": self.payoff,
                         "more_data": self.more_data, "folds": self.folds})

    def __str__(self) -> str:
        m = self.primary_metric
        models = list(dict.fromkeys(self.table["model"]))
        head = ["n_train"] + models
        body = []
        for n in dict.fromkeys(self.table["n_train"]):
            sub = self.table[self.table["n_train"] == n].set_index("model")
            body.append([str(n)] + [_fmt(sub.loc[x, f"{m}_mean"]) for x in models])
        out = [f"Learning curve ({self.task}, n = {self.protocol['n_rows']}): {self.protocol['description']}",
               f"mean {m} ({_better_word(m)}) by training size"]
        out += _text_table(head, body)
        out += ["", self.summary()]
        out += [f"note: {x}" for x in self.notes]
        return "\n".join(out)

    __repr__ = __str__

    def plot(self, ax: Any = None):
        """Primary metric against training size, one line per model (± sd over splits).

        Parameters
        ----------
        ax : matplotlib Axes or None
            Draw on this Axes; ``None``: a new Figure.

        Returns
        -------
        matplotlib.figure.Figure
        """
        fig, (a,) = _new_figure(ax)
        m = self.primary_metric
        for name in dict.fromkeys(self.table["model"]):
            sub = self.table[self.table["model"] == name].sort_values("n_train")
            x = sub["n_train"].to_numpy(dtype=float)
            y = sub[f"{m}_mean"].to_numpy(dtype=float)
            sd = sub[f"{m}_sd"].to_numpy(dtype=float)
            kind = sub["kind"].iloc[0]
            line, = a.plot(x, y, _KIND_STYLE.get(kind, "-."), marker="o", lw=2.2 if kind == "constrained" else 1.3,
                           label=f"{name} ({kind})")
            if np.isfinite(sd).any():
                a.fill_between(x, y - np.nan_to_num(sd), y + np.nan_to_num(sd), color=line.get_color(), alpha=0.12)
        xs = self.table["n_train"].to_numpy(dtype=float)
        if xs.max() >= 4 * xs.min():
            a.set_xscale("log")
        a.set_xlabel("training rows per fit")
        a.set_ylabel(f"{m} ({_better_word(m)})")
        a.set_title(self.protocol["description"][:70], fontsize=9)
        a.legend(fontsize=8)
        return fig


# ---------------------------------------------------------------------- public functions
def _check_metric_defined(setup: Any) -> None:
    """The primary metric must be defined on the test rows of some split (pooled: on all tested rows).

    Whether R2, ROC AUC or recall is defined depends on the test rows only (R2 needs two different
    targets, ROC AUC both classes, recall a positive), never on the predictions, so this is known before
    any fit. Undefined everywhere: a SpecError (there would be no best baseline and no interval);
    undefined on some splits: a note, since those splits are left out of every model's mean alike.
    """
    protocol, target, m = setup.protocol, setup.target, setup.metric
    tests = ([np.concatenate([s.test for s in protocol.splits])] if protocol.pooled
             else [s.test for s in protocol.splits])
    undefined = sum(not np.isfinite(_metrics.score(setup.task, target[t], target[t], (m,))[m]) for t in tests)
    if undefined == 0:
        return
    need = {"r2": "at least two different target values", "roc_auc": "both classes",
            "recall": "a row of the positive class"}.get(m, "rows on which it is defined")
    if undefined == len(tests):
        got = "the pooled test rows" if protocol.pooled else f"all {len(tests)} test parts of cv"
        raise SpecError([Problem("metric", f"a metric defined on the test rows ({m} needs {need} in a test part)",
                                 f"{m!r}, undefined on {got}",
                                 "Use metric=None (the default), or a stratified cv (e.g. cv=5).")],
                        title="Invalid metric")
    setup.notes.append(f"{m} is undefined on {undefined} of {len(tests)} test parts (they lack {need}); means "
                       "and intervals of every model leave those splits out")


def _pooled_auc_note(setup: Any) -> None:
    """Warn, in the notes, of the downward bias of pooled leave-one-out ROC AUC when it is the primary metric."""
    if setup.protocol.pooled and setup.metric == "roc_auc":
        setup.notes.append("pooled leave-one-out ROC AUC is biased downwards, most for models close to the "
                           "training class share (one that predicts it has AUC 0, not 0.5); prefer the log "
                           "loss (metric=None) or k-fold cross-validation (e.g. cv=5) for AUC")


def _check_predictions(res: Any) -> None:
    """Every fit predicted one finite value per test row (a probability in [0, 1] for classification).

    A NaN would make the metrics of its split NaN, and the means and intervals, which skip undefined
    values, would then leave that split out for that model alone; so it is an error naming the model
    and the splits, as for a model that fails to fit.
    """
    setup = res.setup
    clf = setup.task == "classification"
    bad: dict[int, list[str]] = {}
    for (mi, s, si), pred in res.preds.items():
        split = setup.protocol.splits[s]
        where = f"split {split.index}" + (f" ({res.train_rows[(s, si)]} training rows)" if res.sizes[0][0] is not None
                                          else "")
        if pred.shape != (len(split.test),):
            bad.setdefault(mi, []).append(f"{where}: {pred.size} predictions for {len(split.test)} test rows")
        elif not np.isfinite(pred).all():
            bad.setdefault(mi, []).append(f"{where}: {int(np.sum(~np.isfinite(pred)))} of {pred.size} "
                                          "predictions not finite")
        elif clf and ((pred < -1e-9).any() or (pred > 1 + 1e-9).any()):  # rounding aside
            bad.setdefault(mi, []).append(f"{where}: probabilities outside [0, 1]")
    if bad:
        mi, where = min(bad.items())
        more = f" and {len(where) - 3} more splits" if len(where) > 3 else ""
        others = [setup.models[m][0] for m in sorted(bad) if m != mi]
        raise PriorMLError(f"model {setup.models[mi][0]!r} gave unusable predictions on {'; '.join(where[:3])}{more}"
                           + (f" (also {', '.join(map(repr, others))})" if others else "")
                           + ": metrics need one finite prediction per test row. Check the model (e.g. for "
                           "diverging training or inputs it cannot handle), or leave it out of models.")


def compare(spec: Any, X: Any, y: Any, models: Sequence[Any] | None = None, cv: Any = None, n_jobs: int | None = None,
            *, random_state: int = 0, progress: bool = False, lattice_params: dict | None = None,
            bayes_params: dict | None = None, metric: str | None = None, confidence: float = 0.95) -> Comparison:
    """Fit constrained models and baselines on the same splits and compare them.

    Parameters
    ----------
    spec : Spec, dict or path
        The constraint spec; its task chooses regression or binary classification.
    X : DataFrame or array
        Inputs, as for the priorml estimators (columns by name, or spec order).
    y : array-like
        Target: numbers, or two class labels of any type (the positive class
        is the larger label, as in the priorml classifiers).
    models : list or None
        Built-in names: ``lattice`` and ``bayes`` (constrained),
        ``random_forest``, ``hist_gradient_boosting``, ``linear`` (baselines),
        ``hgb_monotone`` (peer); also ``(name, estimator)`` pairs and
        ``(name, kind, estimator)`` triples. ``None``: every built-in except
        ``bayes``. Settings: see :func:`build_models`.
    cv : None, int, 'loo' or scikit-learn splitter
        ``None``: leave-one-out if n < 50, else 5-fold repeated twice
        (n < 1000) or once (stratified for classification). An int: that
        many (stratified) folds, once.
    n_jobs : int or None
        Workers of ``joblib.Parallel`` (``-1``: all cores). ``None`` lets an
        enclosing ``joblib.parallel_backend`` decide (e.g. all Dask workers).
    random_state : int
        Seeds the splits and every built-in model (per split, independently
        of execution order): the same value gives the same table.
        Estimators you pass keep their own ``random_state``.
    progress : bool
        Show a tqdm progress bar over the fits.
    lattice_params, bayes_params : dict or None
        Extra parameters of the lattice and Bayesian estimators, e.g.
        ``{"model": "linear", "epochs": 100}``.
    metric : str or None
        Primary metric for the differences; ``None``: ``rmse`` or ``log_loss``.
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    Comparison

    Notes
    -----
    See the module documentation (:mod:`priorml.audit.compare`) for the
    protocol, the intervals and how to scale out with Dask or Ray. Categories
    of categorical features that the spec does not list are read from all
    rows of ``X`` (names only; levels that are not strings or integers, such
    as ``2.5`` or ``True``, by their text, which is how the spec matches
    categories), so a category present only in a test fold does not stop
    the comparison.

    Examples
    --------
    >>> import numpy as np, priorml
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(80, 2)); y = 2 * X[:, 0] + rng.normal(0, 0.3, 80)
    >>> spec = {"features": {"a": {"monotonic": "increasing"}, "b": {}}}
    >>> res = priorml.compare(spec, X, y, models=["lattice", "linear"], cv=3,
    ...                       lattice_params={"model": "linear", "epochs": 20})
    >>> list(res.table["model"])
    ['lattice', 'linear']

    Raises
    ------
    SpecError
        For an invalid spec, unknown model names (with a suggestion), data
        that do not match the spec, ``y`` of another length than ``X``, or a
        protocol that cannot split these rows (e.g. more folds than rows, or
        for classification a splitter that leaves a training part with one
        class), or a ``metric`` undefined on every test part (e.g. ``roc_auc``
        with test parts of one class).
    PriorMLError
        When a model fails to fit, naming the model and the split, or predicts NaN or infinity (or, for
        classification, a probability outside [0, 1]), naming the model and the splits.
    """
    setup = prepare(spec, X, y, models, cv, random_state=random_state, n_jobs=n_jobs, progress=progress,
                    lattice_params=lattice_params, bayes_params=bayes_params, metric=metric, confidence=confidence)
    _check_metric_defined(setup)
    _pooled_auc_note(setup)
    res = run(setup, None, n_jobs, progress, "priorml compare")
    _check_predictions(res)
    out = summarise(res)
    table = out["table"]
    best = out["payoff"]["best_baseline"].iloc[0]
    folds = out["folds"]
    return Comparison(table=table, folds=folds, predictions=out["predictions"].drop(columns="size_index"),
                      primary_metric=setup.metric, best_baseline=best, protocol=setup.protocol.to_dict(), task=setup.task, confidence=setup.confidence,
                      notes=setup.notes)


def learning_curve(spec: Any, X: Any, y: Any, sizes: Sequence[int | float] = (50, 100, 200, 1.0),
                   models: Sequence[Any] | None = None, cv: Any = None, n_jobs: int | None = None, *,
                   random_state: int = 0, progress: bool = False, lattice_params: dict | None = None,
                   bayes_params: dict | None = None, metric: str | None = None,
                   confidence: float = 0.95) -> LearningCurve:
    """Constrained against unconstrained error as the training size grows.

    For every split of the protocol (as in :func:`compare`), the training part
    is subsampled to each size and every model is fitted on that subsample and
    evaluated on the split's full test part. Subsamples are nested (the rows
    at a smaller size are among those at a larger size) and stratified by
    class for classification.

    Parameters
    ----------
    spec, X, y, models, cv, n_jobs, random_state, progress, lattice_params, bayes_params, metric, confidence
        As in :func:`compare`.
    sizes : sequence of int or float
        Training sizes (a list, tuple, range, 1-D array or pandas Series):
        integers are rows, floats in (0, 1] fractions of the
        smallest training part ``m`` of the protocol (so every split uses the
        same number of rows; 1.0 is ``m``). Sizes above ``m`` are clipped to it
        and sizes giving the same number of rows are fitted once (both with a
        note).

    Returns
    -------
    LearningCurve
        ``.table`` (one row per size and model), ``.payoff`` and
        ``.summary()`` (where the best constrained model beats the best
        baseline, with the paired difference and its interval), and
        ``.more_data`` (whether the error is still falling between the two
        largest sizes, i.e. whether collecting more data would help).

    Examples
    --------
    >>> import numpy as np, priorml
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(90, 2)); y = 2 * X[:, 0] + rng.normal(0, 0.3, 90)
    >>> spec = {"features": {"a": {"monotonic": "increasing"}, "b": {}}}
    >>> lc = priorml.learning_curve(spec, X, y, sizes=(20, 1.0), models=["lattice", "linear"], cv=3,
    ...                             lattice_params={"model": "linear", "epochs": 20})
    >>> sorted(set(lc.table["n_train"]))
    [20, 60]

    Raises
    ------
    SpecError
        As :func:`compare`, and for sizes that are not positive, not numbers,
        fractions above 1, or give fewer than 2 training rows.
    PriorMLError
        As :func:`compare`.
    """
    setup = prepare(spec, X, y, models, cv, random_state=random_state, n_jobs=n_jobs, progress=progress,
                    lattice_params=lattice_params, bayes_params=bayes_params, metric=metric, confidence=confidence)
    resolved, notes = resolve_sizes(sizes, setup.protocol, setup.codes)
    setup.notes.extend(notes)
    _check_metric_defined(setup)
    _pooled_auc_note(setup)
    res = run(setup, resolved, n_jobs, progress, "priorml learning_curve")
    _check_predictions(res)
    out = summarise(res)
    return LearningCurve(table=out["table"], payoff=out["payoff"], folds=out["folds"],
                         predictions=out["predictions"].assign(
                             size=[resolved[i][0] for i in out["predictions"]["size_index"]]).drop(columns="size_index"),
                         primary_metric=setup.metric, protocol=setup.protocol.to_dict(), task=setup.task,
                         confidence=setup.confidence, notes=setup.notes, more_data=out["more_data"])
