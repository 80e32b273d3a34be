"""The machinery behind compare and learning_curve: check the inputs, run every
(model, split, size) fit through joblib, and summarise the out-of-fold predictions."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._args import common_problems, is_probability, is_real
from ..errors import DataError, PriorMLError, Problem, SpecError, did_you_mean
from ..spec import CategoricalFeature, Spec
from . import _metrics
from ._cv import Protocol, nested_order, resolve_cv, task_seed
from ._models import build_models, parse_models, resolve, with_seed

__all__ = ["Setup", "prepare", "run", "Results", "summarise", "resolve_sizes"]


@dataclass
class Setup:
    """Everything a run needs, checked."""

    spec: Spec
    task: str
    X: Any
    y: np.ndarray  # target values (regression) or the original labels (classification)
    codes: np.ndarray | None  # class codes 0/1 (classification)
    classes: np.ndarray | None
    protocol: Protocol
    models: list[tuple[str, str, Any, bool]]  # name, kind, estimator, built here (seeded per split)
    metric: str
    confidence: float
    random_state: int
    notes: list[str] = field(default_factory=list)

    @property
    def target(self) -> np.ndarray:
        """What the metrics compare predictions with: y, or the class codes."""
        return self.codes if self.codes is not None else self.y


def _check_scalar_args(random_state: Any, n_jobs: Any, confidence: Any, progress: Any) -> None:
    problems = common_problems(random_state, n_jobs, progress)
    if not is_probability(confidence):
        problems.append(Problem("confidence", "a coverage in (0, 1), e.g. 0.95", repr(confidence)))
    if problems:
        raise SpecError(problems, title="Invalid arguments")


def _as_table(X: Any) -> Any:
    """DataFrames and arrays as they are; other array-likes (lists) as an array."""
    if (hasattr(X, "iloc") and hasattr(X, "columns")) or isinstance(X, np.ndarray):
        return X
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise DataError([Problem("X", "a dense array or a pandas DataFrame", "a sparse matrix",
                                 "priorml needs dense input; call X.toarray() if it fits in memory.")])
    arr = np.asarray(X)
    return arr.astype(object) if arr.dtype.kind in "US" else arr


def _take(X: Any, rows: np.ndarray) -> Any:
    return X.iloc[rows] if hasattr(X, "iloc") else X[rows]


def extend_categories(f: CategoricalFeature, present: Any) -> CategoricalFeature | None:
    """``f`` with its categories declared: those it declares (none declared: the members of its order), then
    the levels of ``present`` that these lack, sorted. ``None`` when nothing is added or the result cannot be
    declared (a level that is not a string or an integer, or a set the spec refuses)."""
    from ..spec.schema import merge_levels

    base = merge_levels(f.categories if f.categories is not None else [c for chain in f.order for c in chain], ())
    cats = merge_levels(base, present)
    if len(cats) == len(base) or not all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in cats):
        return None
    try:
        return f.replace(categories=cats)
    except SpecError:
        return None


def _declarable(v: Any) -> Any:
    """A level as a spec can declare it: strings and integers as they are, others (booleans, fractional
    numbers, dates) as their text, which matches the data since categories are matched by their text."""
    return v if isinstance(v, (str, int)) and not isinstance(v, bool) else str(v)


def _declare_categories(spec: Spec, X: Any) -> tuple[Spec, list[str]]:
    """Categories not declared in the spec are read from all rows of X (level names only, no target),
    so that a level present only in a test fold is known to every fit rather than an error."""
    from ..spec.schema import _is_missing, _plain, as_columns

    todo = [f for f in spec.features if isinstance(f, CategoricalFeature) and f.categories is None]
    if not todo:
        return spec, []
    cols, _ = as_columns(spec, X)
    feats, named = [], []
    for f in spec.features:
        if f in todo:
            col = np.asarray(cols[f.name])
            declared = extend_categories(f, [_declarable(_plain(v)) for v, m in zip(col, _is_missing(col)) if not m])
            if declared is not None:
                f = declared
                named.append(f.name)
        feats.append(f)
    if not named:
        return spec, []
    note = (f"categories of {', '.join(repr(n) for n in named)} read from all rows of X (names only), "
            "so that a category seen only in a test fold is known to every fit")
    return spec.replace(features=tuple(feats)), [note]


def prepare(spec: Any, X: Any, y: Any, models: Any, cv: Any, *, random_state: Any, n_jobs: Any, progress: Any,
            lattice_params: Any, bayes_params: Any, metric: Any, confidence: Any) -> Setup:
    """Check every argument and build the protocol and the models (no fit yet)."""
    from ..estimators._base import _n_rows, encode_classes
    from ..spec.schema import Schema, check_target, warn_if_misaligned

    _check_scalar_args(random_state, n_jobs, confidence, progress)
    resolved = resolve(spec)
    task = resolved.task
    parse_models(models)  # a bad model name is reported before the data are read
    names = _metrics.metrics_for(task)
    if metric is None:
        metric = _metrics.PRIMARY[task]
    elif metric not in names:
        raise SpecError([Problem("metric", f"a {task} metric ({', '.join(names)}) or None ({_metrics.PRIMARY[task]})",
                                 repr(metric), did_you_mean(metric, names).strip())], title="Invalid metric")
    if X is None:
        raise DataError([Problem("X", "a DataFrame with the spec's columns, or an array in spec order", "None")])
    warn_if_misaligned(X, y)
    X = _as_table(X)
    n = _n_rows(X)
    yv = check_target(y, task, n)
    Schema.fit(resolved, X)  # every data problem (columns, missing values, non-numbers), before any fit
    codes = classes = None
    if task == "classification":
        classes, codes = encode_classes(yv)
        codes = codes.astype(int)
    resolved, notes = _declare_categories(resolved, X)
    protocol = resolve_cv(cv, X, yv, codes, int(random_state))
    built = build_models(resolved, models, random_state=int(random_state), lattice_params=lattice_params,
                         bayes_params=bayes_params)
    own = [est for _, _, est in parse_models(models)]
    entries = [(name, kind, est, own_est is None) for (name, kind, est), own_est in zip(built, own)]
    if task == "classification":
        lacking = [name for name, _, est, _ in entries if not hasattr(est, "predict_proba")]
        if lacking:
            raise SpecError([Problem(f"models[{name!r}]", "a classifier with predict_proba (log loss, Brier and "
                                     "ROC AUC need probabilities)", "no predict_proba",
                                     "Use a probabilistic classifier, e.g. wrap it in CalibratedClassifierCV.")
                             for name in lacking], title="Invalid models")
    return Setup(resolved, task, X, yv, codes, classes, protocol, entries, metric, float(confidence),
                 int(random_state), notes + list(protocol.notes))


def resolve_sizes(sizes: Any, protocol: Protocol, codes: np.ndarray | None) -> tuple[list[tuple[Any, int]], list[str]]:
    """Requested learning-curve sizes -> [(as given, training rows)], sorted, deduplicated, with notes.

    Integers are numbers of training rows, floats in (0, 1] fractions of the
    smallest training part of the protocol (``m``). Sizes above ``m`` are
    clipped to ``m``; sizes that resolve to the same number of rows are kept once.
    """
    m = min(len(s.train) for s in protocol.splits)
    if isinstance(sizes, (int, float, np.integer, np.floating)) and not isinstance(sizes, bool):
        sizes = [sizes]
    if _is_size_list(sizes):
        sizes = list(sizes)  # a range, a NumPy array or a pandas Series: plain values in order
    if not isinstance(sizes, list) or len(sizes) == 0:
        raise SpecError([Problem("sizes", "a non-empty list of training sizes (integers: rows; floats in (0, 1]: fractions)",
                                 repr(sizes), "For example sizes=(50, 100, 200, 1.0).")], title="Invalid sizes")
    problems, out, notes = [], [], []
    for i, s in enumerate(sizes):
        where = f"sizes[{i}]"
        if not is_real(s):
            problems.append(Problem(where, "an integer number of rows or a fraction in (0, 1]", repr(s)))
            continue
        if s <= 0:
            problems.append(Problem(where, "a positive size", repr(s), "Use a number of rows (>= 2) or a fraction in (0, 1]."))
            continue
        if isinstance(s, (float, np.floating)) and not float(s).is_integer() and s > 1:
            problems.append(Problem(where, "an integer number of rows or a fraction in (0, 1]", repr(s),
                                    f"Use {int(round(s))} rows or a fraction such as {min(1.0, s / m):.2f}."))
            continue
        frac = isinstance(s, (float, np.floating)) and s <= 1
        k = int(round(float(s) * m)) if frac else int(s)
        if k > m:
            notes.append(f"size {s!r} clipped to {m} rows (the smallest training part of the protocol)")
            k = m
        if k < 2:
            problems.append(Problem(where, "at least 2 training rows", f"{s!r} -> {k} row(s) of the smallest "
                                    f"training part ({m} rows)", "Use a larger size."))
            continue
        out.append((s.item() if hasattr(s, "item") else s, k))
    if problems:
        raise SpecError(problems, title="Invalid sizes")
    out.sort(key=lambda t: t[1])
    kept: list[tuple[Any, int]] = []
    for s, k in out:
        if kept and kept[-1][1] == k:
            notes.append(f"size {s!r} gives the same {k} training rows as size {kept[-1][0]!r}; fitted once")
            continue
        kept.append((s, k))
    return kept, notes


def _is_size_list(sizes: Any) -> bool:
    """Any ordered one-dimensional collection: a sequence (list, tuple, range), a 1-D NumPy array or a
    pandas Series or Index; not text, and not a mapping or a set (no order)."""
    if isinstance(sizes, (str, bytes)):
        return False
    if isinstance(sizes, Sequence):
        return True
    return hasattr(sizes, "tolist") and hasattr(sizes, "__len__") and np.ndim(sizes) == 1


# ---------------------------------------------------------------------- running the fits
def _fit_predict(name: str, estimator: Any, X_train: Any, y_train: np.ndarray, X_test: Any, positive: Any,
                 where: str) -> tuple[np.ndarray, float]:
    """Fit one model on one training part; predictions (or P(positive)) on the test part, and seconds.

    Runs in a joblib worker: BLAS/OpenMP are limited to one thread, parallelism comes from the tasks.
    """
    from threadpoolctl import threadpool_limits

    t0 = time.perf_counter()
    try:
        with threadpool_limits(limits=1):
            estimator.fit(X_train, y_train)
            if positive is None:
                pred = np.asarray(estimator.predict(X_test), dtype=float).ravel()
            else:
                classes = list(estimator.classes_)
                pred = np.asarray(estimator.predict_proba(X_test), dtype=float)[:, classes.index(positive)]
    except SpecError:
        raise
    except Exception as exc:  # the model's own error, with where it happened
        raise PriorMLError(f"model {name!r} failed on {where}: {type(exc).__name__}: {exc}") from exc
    return pred, time.perf_counter() - t0


@dataclass
class Results:
    """Raw output of :func:`run`: one prediction vector per (model, split, size)."""

    setup: Setup
    sizes: list[tuple[Any, int]]  # [(as given, n_train)]; [(None, 0)] for compare (full training parts)
    preds: dict[tuple[int, int, int], np.ndarray]
    seconds: dict[tuple[int, int, int], float]
    train_rows: dict[tuple[int, int], int]  # (split, size) -> rows used


def run(setup: Setup, sizes: list[tuple[Any, int]] | None, n_jobs: Any, progress: bool, desc: str) -> Results:
    """Fit every (model, split, size) through joblib, in a fixed order with fixed seeds."""
    from joblib import Parallel, delayed

    protocol = setup.protocol
    positive = setup.classes[1] if setup.classes is not None else None
    size_list = sizes if sizes is not None else [(None, 0)]
    parts, train_rows = {}, {}
    for split in protocol.splits:
        order = nested_order(split.train, setup.codes, task_seed(setup.random_state, 2, split.index)) if sizes else None
        X_test = _take(setup.X, split.test)
        for si, (_, k) in enumerate(size_list):
            train = np.sort(order[:k]) if sizes else split.train
            train_rows[(split.index, si)] = len(train)
            where = (f"split {split.index} (repeat {split.repeat}, fold {split.fold}; {len(train)} training rows, "
                     f"{len(split.test)} test rows)")
            parts[(split.index, si)] = (_take(setup.X, train), setup.y[train], X_test, where)
    # Model-major order: a worker process meets the heavy frameworks (TensorFlow, PyMC) in its first tasks,
    # so loky's memory-leak guard, which measures a worker after its first task, does not restart it later.
    keys, jobs = [], []
    for mi, (name, _, est, builtin) in enumerate(setup.models):
        for split in protocol.splits:
            seed = task_seed(setup.random_state, 1, split.index)
            for si in range(len(size_list)):
                X_train, y_train, X_test, where = parts[(split.index, si)]
                keys.append((mi, split.index, si))
                jobs.append(delayed(_fit_predict)(name, with_seed(name, est, seed, builtin), X_train, y_train, X_test,
                                                  positive, where))
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(jobs), desc=desc, unit="fit")
    preds, seconds = {}, {}
    try:
        for key, (pred, sec) in zip(keys, Parallel(n_jobs=n_jobs, return_as="generator")(jobs)):
            preds[key], seconds[key] = pred, sec
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return Results(setup, size_list, preds, seconds, train_rows)


# ---------------------------------------------------------------------- summaries
def _verdict(metric: str, low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "no interval"
    lower_better = metric in _metrics.LOWER_IS_BETTER
    if (high < 0 and lower_better) or (low > 0 and not lower_better):
        return "better"
    if (low > 0 and lower_better) or (high < 0 and not lower_better):
        return "worse"
    return "no clear difference"


def _best(values: dict[str, float], metric: str) -> str | None:
    finite = {k: v for k, v in values.items() if np.isfinite(v)}
    if not finite:
        return None
    pick = min if metric in _metrics.LOWER_IS_BETTER else max
    return pick(finite, key=finite.get)


def summarise(res: Results) -> dict[str, Any]:
    """Per-fold metrics, out-of-fold predictions, and per (size, model) summaries with paired intervals."""
    import pandas as pd

    setup, protocol = res.setup, res.setup.protocol
    names = _metrics.metrics_for(setup.task)
    target = setup.target
    fold_rows, pred_frames, scores = [], [], {}
    for (mi, s, si), pred in res.preds.items():
        split = protocol.splits[s]
        name, kind = setup.models[mi][0], setup.models[mi][1]
        row = {"model": name, "kind": kind}
        if res.sizes[0][0] is not None:
            row["size"] = res.sizes[si][0]
        row.update({"split": split.index, "repeat": split.repeat, "fold": split.fold,
                    "n_train": res.train_rows[(s, si)], "n_test": len(split.test),
                    "fit_seconds": res.seconds[(mi, s, si)]})
        scores[(mi, s, si)] = _metrics.score(setup.task, target[split.test], pred, names)
        row.update(scores[(mi, s, si)])
        fold_rows.append(row)
        frame = {"model": name, "kind": kind, "size_index": si, "split": split.index, "row": split.test,
                 "y_true": setup.y[split.test], "prediction": pred}
        pred_frames.append(pd.DataFrame(frame))
    folds = pd.DataFrame(fold_rows)
    predictions = pd.concat(pred_frames, ignore_index=True)

    rows, payoff, per_size = [], [], []
    model_names = [m[0] for m in setup.models]
    n_splits = len(protocol.splits)
    tested = np.concatenate([sp.test for sp in protocol.splits]) if protocol.pooled else None
    for si, (size, k) in enumerate(res.sizes):
        stats: dict[str, dict[str, tuple[float, float]]] = {}
        paired: dict[str, np.ndarray] = {}  # what _paired_diff compares: pooled predictions or per-split values
        for mi, name in enumerate(model_names):
            if protocol.pooled:  # one row per split: metrics of all out-of-fold predictions together
                paired[name] = np.concatenate([res.preds[(mi, s, si)] for s in range(n_splits)])
                sc = _metrics.score(setup.task, target[tested], paired[name], names)
                stats[name] = {m: (sc[m], float("nan")) for m in names}
            else:
                vals = {m: [scores[(mi, s, si)][m] for s in range(n_splits)] for m in names}
                stats[name] = {m: (_nanmean(vals[m]), _nansd(vals[m])) for m in names}
                paired[name] = np.asarray(vals[setup.metric], dtype=float)
        ratio = _test_train_ratio(res, si)
        per_size.append((stats, paired, ratio))
        baselines = {nm: stats[nm][setup.metric][0] for nm, kd, _, _ in setup.models if kd == "baseline"}
        best = _best(baselines, setup.metric)
        diffs: dict[str, tuple[float, float, float, float]] = {}
        for mi, (name, kind, _, _) in enumerate(setup.models):
            if best is None or name == best:
                diffs[name] = (float("nan"),) * 4
            else:
                diffs[name] = _paired_diff(setup, tested, paired[name], paired[best],
                                           task_seed(setup.random_state, 3, si, mi), ratio)
        for name, kind, _, _ in setup.models:
            row = {"model": name, "kind": kind}
            if size is not None:
                row = {"size": size, "n_train": k, **row}
            for m in names:
                row[f"{m}_mean"], row[f"{m}_sd"] = stats[name][m]
            d, lo, hi, p = diffs[name]
            row.update({"diff_vs_best_baseline": d, "diff_ci_low": lo, "diff_ci_high": hi, "diff_p_value": p,
                        "verdict": ("best baseline" if name == best else
                                    "no baseline" if best is None else _verdict(setup.metric, lo, hi))})
            rows.append(row)
        constrained = {nm: stats[nm][setup.metric][0] for nm, kd, _, _ in setup.models if kd == "constrained"}
        best_c = _best(constrained, setup.metric)
        d, lo, hi, p = diffs[best_c] if best_c is not None else (float("nan"),) * 4
        payoff.append({"size": size, "n_train": k, "best_constrained": best_c, "best_baseline": best,
                       "diff": d, "ci_low": lo, "ci_high": hi, "p_value": p,
                       "verdict": (_verdict(setup.metric, lo, hi) if best_c is not None and best is not None
                                   else "no constrained model or baseline")})
    table, payoff_frame = pd.DataFrame(rows), pd.DataFrame(payoff)
    for frame, source in ((table, rows), (payoff_frame, payoff), (folds, fold_rows)):
        if "size" in frame:  # sizes as given: 50 stays an int next to 1.0
            frame["size"] = pd.Series([r["size"] for r in source], index=frame.index, dtype=object)
    more = pd.DataFrame(_more_data(res, per_size, tested), columns=MORE_DATA_COLUMNS)
    return {"table": table, "folds": folds, "predictions": predictions, "payoff": payoff_frame, "more_data": more}


#: columns of :func:`_more_data`'s rows (``LearningCurve.more_data``)
MORE_DATA_COLUMNS = ["model", "kind", "from_n_train", "to_n_train", "from_value", "to_value", "change", "ci_low",
                     "ci_high", "p_value", "trend"]

#: the trend of a learning curve at its largest size, from the verdict on the change of the metric
_TREND = {"better": "still improving", "worse": "getting worse", "no clear difference": "flat within noise"}


def _test_train_ratio(res: Results, si: int) -> float:
    """Mean test rows over mean training rows *actually used* by the fits at size ``si`` (the Nadeau-Bengio
    correction term): the protocol's ratio for :func:`compare`, ``n_test / n_train`` of the subsample for a
    learning-curve size (a 20-row fit tested on 30 rows has ratio 1.5, not the full training part's 0.5)."""
    protocol = res.setup.protocol
    return protocol.ratio_for([res.train_rows[(sp.index, si)] for sp in protocol.splits])


def _paired_diff(setup: Setup, tested: np.ndarray | None, new: np.ndarray, ref: np.ndarray,
                 seed: int, test_train_ratio: float) -> tuple[float, float, float, float]:
    """``metric(new) - metric(ref)`` with its interval and p-value, paired by split: ``new`` and ``ref`` are
    the pooled out-of-fold predictions of the rows ``tested`` (pooled protocols such as leave-one-out: paired
    bootstrap over those rows, seeded by ``seed``), else per-split values of the primary metric (Nadeau-Bengio
    corrected t interval with the correction term ``test_train_ratio``, since the training sets of different
    splits overlap)."""
    if setup.protocol.pooled:
        return _metrics.paired_bootstrap_interval(setup.task, setup.metric, setup.target[tested], new, ref,
                                                  setup.confidence, seed)
    return _metrics.corrected_t_interval(new - ref, test_train_ratio, setup.confidence)


def _more_data(res: Results, per_size: list[tuple[dict, dict, float]], tested: np.ndarray | None) -> list[dict[str, Any]]:
    """Would more data help? Per model, the change of the primary metric between the two largest training sizes.

    The two sizes are fitted on the same splits (nested training rows, the same test rows), so the change is
    paired by split (:func:`_paired_diff`; ``per_size`` holds, per size, the summaries, the paired values and
    the Nadeau-Bengio correction term that :func:`summarise` computed; the change uses the smaller size's
    term, the larger of the two). ``trend`` is ``still improving`` when the interval lies on the better side
    of 0, ``getting worse`` on the other, ``flat within noise`` when it covers 0. Empty for a single size and
    for :func:`compare`.
    """
    setup = res.setup
    if res.sizes[0][0] is None or len(res.sizes) < 2:
        return []
    a, b = len(res.sizes) - 2, len(res.sizes) - 1
    (stats_a, paired_a, ratio_a), (stats_b, paired_b, ratio_b) = per_size[a], per_size[b]
    ratio = max(ratio_a, ratio_b)  # the smaller training size: the larger (more cautious) correction
    metric = setup.metric
    rows = []
    for mi, (name, kind, _, _) in enumerate(setup.models):
        change, lo, hi, p = _paired_diff(setup, tested, paired_b[name], paired_a[name],
                                         task_seed(setup.random_state, 4, mi), ratio)
        verdict = _verdict(metric, lo, hi)
        rows.append({"model": name, "kind": kind, "from_n_train": res.sizes[a][1], "to_n_train": res.sizes[b][1],
                     "from_value": stats_a[name][metric][0], "to_value": stats_b[name][metric][0],
                     "change": change, "ci_low": lo, "ci_high": hi, "p_value": p,
                     "trend": _TREND.get(verdict, verdict)})
    return rows


def _nanmean(v: Any) -> float:
    a = np.asarray(v, dtype=float)
    a = a[np.isfinite(a)]
    return float(a.mean()) if a.size else float("nan")


def _nansd(v: Any) -> float:
    a = np.asarray(v, dtype=float)
    a = a[np.isfinite(a)]
    return float(a.std(ddof=1)) if a.size > 1 else float("nan")


def jsonable(obj: Any) -> Any:
    """Plain JSON data: numpy scalars to Python, NaN/inf to None, frames to lists of records."""
    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):
        return [jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(obj) if np.isfinite(obj) else None
    if obj is None or isinstance(obj, str):
        return obj
    if hasattr(obj, "item"):
        return jsonable(obj.item())
    return str(obj)
