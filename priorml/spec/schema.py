"""Data checked against a spec, encoded for the backends, and the keypoints.

:class:`Schema` is what a backend needs to know about the training data: per
feature, the keypoints (numeric) or the category list (categorical), the
value used for missing entries, and the target scaling. It is fitted once in
``fit`` and applied unchanged in ``predict``. Everything here is numpy/pandas
only and shared by the lattice and Bayesian backends.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .._args import is_real
from ..errors import DataError, DataWarning, Problem, did_you_mean, short_list
from .features import CategoricalFeature, NumericFeature, _cat_key
from .spec import Spec

__all__ = ["Schema", "FeatureSchema", "compute_keypoints", "as_columns", "check_target", "check_unique_columns"]

#: Larger inputs overflow the float32 arithmetic of the backends (float32 max is 3.4e38).
MAX_ABS_VALUE = 1e30


def compute_keypoints(values: np.ndarray, n: int, clip: tuple[float, float] | None = None) -> np.ndarray:
    """Keypoints at quantiles of the *unique* values of a column.

    Using unique values makes the keypoints robust to heavy ties (a column
    that is 0 in 90% of rows still gets keypoints spread over its range) and
    a feature with few distinct values gets at most one keypoint per value.

    Parameters
    ----------
    values : ndarray
        Finite training values.
    n : int
        Requested number of keypoints (>= 2).
    clip : (low, high) or None
        If given, the keypoints span exactly this range.

    Returns
    -------
    ndarray of float64, strictly increasing, length between 2 and ``n``.

    Examples
    --------
    >>> compute_keypoints(np.array([0, 0, 0, 0, 1, 2, 3]), 3).tolist()
    [0.0, 1.5, 3.0]
    """
    vals = np.asarray(values, dtype=float)
    vals = vals[np.isfinite(vals)]
    if clip is not None:
        vals = np.clip(vals, *clip)
    uniq = np.unique(vals)
    if clip is not None:
        uniq = np.unique(np.concatenate([uniq, clip]))
    if uniq.size == 0:
        lo, hi = clip if clip is not None else (0.0, 1.0)
        return np.array([lo, hi], dtype=float)
    if uniq.size == 1:
        return np.array([uniq[0] - 0.5, uniq[0] + 0.5])
    k = int(min(n, uniq.size))
    kp = np.quantile(uniq, np.linspace(0.0, 1.0, k), method="linear")
    kp = np.unique(kp)
    if kp.size < 2:  # cannot happen with >= 2 unique values, kept as a guard for float ties
        kp = np.array([uniq[0], uniq[-1]])
    return kp.astype(float)


def _json_category(c: Any) -> Any:
    """A category as JSON holds it: Python scalars as they are; other values (dates, times) as their text,
    which is what categories match by (``_cat_key``), so a saved model reads the same values as the fitted one."""
    c = _plain(c)
    return c if c is None or isinstance(c, (str, int, float)) else _cat_key(c)


@dataclass
class FeatureSchema:
    """What was learnt about one feature at fit time."""

    name: str
    kind: str  # "numeric" | "categorical"
    keypoints: np.ndarray | None = None  # numeric
    fill: float | None = None  # numeric: imputation value
    lo: float | None = None  # numeric: observed min (after clipping)
    hi: float | None = None
    categories: tuple = ()  # categorical: list in bucket order
    missing_bucket: bool = False  # categorical: an extra bucket for missing values
    fill_code: int | None = None  # categorical: imputation code

    @property
    def n_buckets(self) -> int:
        return len(self.categories) + int(self.missing_bucket)

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("name", "kind", "fill", "lo", "hi", "missing_bucket", "fill_code")}
        out["keypoints"] = None if self.keypoints is None else [float(v) for v in self.keypoints]
        out["categories"] = [_json_category(c) for c in self.categories]
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "FeatureSchema":
        d = dict(d)
        d["keypoints"] = None if d.get("keypoints") is None else np.asarray(d["keypoints"], dtype=float)
        d["categories"] = tuple(d.get("categories") or ())
        return cls(**d)


@dataclass
class Schema:
    """The fitted data schema of a spec (see module docstring)."""

    features: list[FeatureSchema]
    y_mean: float = 0.0
    y_scale: float = 1.0
    n_rows: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ fit / transform
    @classmethod
    def fit(cls, spec: Spec, X: Any, y: np.ndarray | None = None) -> "Schema":
        cols, index = as_columns(spec, X)
        problems: list[Problem] = []
        feats: list[FeatureSchema] = []
        for f in spec.features:
            col = cols[f.name]
            if isinstance(f, CategoricalFeature):
                feats.append(_fit_categorical(f, col, index, problems))
            else:
                feats.append(_fit_numeric(f, col, index, problems))
        if problems:
            raise DataError(problems)
        schema = cls(feats, n_rows=len(index))
        if y is not None and spec.task == "regression":
            yf = np.asarray(y, dtype=float)
            schema.y_mean = float(np.mean(yf))
            sd = float(np.std(yf))
            # relative to the target's size (a target in units of 1e-13 still varies): only a constant one, up to
            # 100 times the float64 rounding of its values, is left unscaled
            schema.y_scale = sd if sd > 0 and sd > 1e-14 * abs(schema.y_mean) else 1.0
        return schema

    def transform(self, spec: Spec, X: Any, *, return_missing: bool = False, clip: bool = True):
        """Encode ``X`` as float64 (n, d): numeric values imputed and clipped,
        categories as bucket codes 0..n_buckets-1.

        With ``return_missing``, also the rows where each numeric feature was missing (and imputed), as a
        dict of boolean arrays by feature name: ``(encoded, missing)``. ``clip=False`` leaves numeric values
        outside the keypoint range as they are (for the training-data digest, which must tell them apart)."""
        cols, index = as_columns(spec, X, by_position=self.extra.get("columns") == "position")
        problems: list[Problem] = []
        out = np.empty((len(index), len(self.features)), dtype=float)
        missing: dict[str, np.ndarray] = {}
        for j, (f, fs) in enumerate(zip(spec.features, self.features)):
            col = cols[f.name]
            if fs.kind == "categorical":
                out[:, j] = _encode_categorical(f, fs, col, index, problems)
            else:
                out[:, j] = _encode_numeric(f, fs, col, index, problems, missing)
        if problems:
            raise DataError(problems)
        if clip:
            out = self.clip(out)
        return (out, missing) if return_missing else out

    def clip(self, Xenc: np.ndarray) -> np.ndarray:
        """A copy of encoded rows (``transform(..., clip=False)``) with every numeric feature clipped to its
        keypoint range: calibrators are flat outside the keypoints, and clipping makes that explicit for every
        backend."""
        out = np.array(Xenc, dtype=float)
        for j, fs in enumerate(self.features):
            if fs.kind == "numeric":
                out[:, j] = np.clip(out[:, j], fs.keypoints[0], fs.keypoints[-1])
        return out

    def frame(self, spec: Spec, X: Any):
        """The spec's columns of ``X`` as this schema reads them (by their text, e.g. integer labels, or by
        position for a model fitted on an array without a spec), as a DataFrame named by the spec's features."""
        import pandas as pd

        cols, _ = as_columns(spec, X, by_position=self.extra.get("columns") == "position")
        return pd.DataFrame(cols, columns=list(spec.feature_names))

    def scale_y(self, y: np.ndarray) -> np.ndarray:
        return (np.asarray(y, dtype=float) - self.y_mean) / self.y_scale

    def unscale_y(self, y: np.ndarray) -> np.ndarray:
        return np.asarray(y, dtype=float) * self.y_scale + self.y_mean

    def __getitem__(self, name: str) -> FeatureSchema:
        for fs in self.features:
            if fs.name == name:
                return fs
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {"features": [f.to_dict() for f in self.features], "y_mean": self.y_mean,
                "y_scale": self.y_scale, "n_rows": self.n_rows, "extra": dict(self.extra)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Schema":
        return cls([FeatureSchema.from_dict(f) for f in d["features"]], d["y_mean"], d["y_scale"],
                   d.get("n_rows", 0), dict(d.get("extra", {})))

    def inconsistencies(self, spec: Spec) -> list[tuple[str, str, str]]:
        """What in this schema fitting ``spec`` to data could not have produced: ``(key, expected,
        received)`` per problem, keys as in :meth:`to_dict` (``features[i].categories``). For a schema
        that did not come from :meth:`fit` (a loaded model): without this check a damaged one loads
        and fails, or imputes a wrong value, only when some row reaches the damaged part."""
        out: list[tuple[str, str, str]] = []
        if len(self.features) != len(spec.features):
            return [("features", f"{len(spec.features)} features (the spec's)", str(len(self.features)))]
        for i, (f, fs) in enumerate(zip(spec.features, self.features)):
            key = f"features[{i}]"
            if fs.name != f.name or fs.kind != f.kind:
                out.append((key, f"the {f.kind} feature {f.name!r} (the spec's feature {i + 1})",
                            f"the {fs.kind} feature {fs.name!r}"))
            elif isinstance(f, CategoricalFeature):
                out += _categorical_inconsistencies(key, f, fs)
            else:
                out += _numeric_inconsistencies(key, f, fs)
        return out


def _numeric_inconsistencies(key: str, f: NumericFeature, fs: FeatureSchema) -> list[tuple[str, str, str]]:
    out = []
    kp = fs.keypoints
    if kp is None or kp.ndim != 1 or kp.size < 2 or not np.all(np.isfinite(kp)) or np.any(np.diff(kp) <= 0):
        out.append((f"{key}.keypoints", "at least 2 finite, strictly increasing keypoints",
                    "none" if kp is None else short_list([float(v) for v in np.ravel(kp)])))
    elif isinstance(f.keypoints, tuple) and not np.array_equal(kp, np.asarray(f.keypoints, dtype=float)):
        out.append((f"{key}.keypoints", f"the spec's keypoints {list(f.keypoints)}", short_list(kp.tolist())))
    for end in ("lo", "hi"):
        v = getattr(fs, end)
        if v is not None and not is_real(v):
            out.append((f"{key}.{end}", "a finite number", repr(v)))
    if f.missing == "error":
        if fs.fill is not None:
            out.append((f"{key}.fill", "null (the spec's 'missing: error' imputes nothing)", repr(fs.fill)))
    elif not is_real(fs.fill):
        out.append((f"{key}.fill", f"a finite number (the value that 'missing: {f.missing}' imputes)", repr(fs.fill)))
    elif not isinstance(f.missing, str) and float(fs.fill) != float(f.missing):
        out.append((f"{key}.fill", f"{f.missing!r} (the spec's 'missing')", repr(fs.fill)))
    if fs.categories or fs.missing_bucket or fs.fill_code is not None:
        out.append((key, "no categories, missing_bucket or fill_code on a numeric feature",
                    f"categories {list(fs.categories)}, missing_bucket {fs.missing_bucket!r}, fill_code {fs.fill_code!r}"))
    return out


def _categorical_inconsistencies(key: str, f: CategoricalFeature, fs: FeatureSchema) -> list[tuple[str, str, str]]:
    out = []
    cats = list(fs.categories)
    keys = [_cat_key(c) for c in cats]
    if f.categories is None:  # learnt from the data: any value JSON holds (text, numbers, true/false)
        kinds, what = (str, int, float), "text, numbers or true/false"
    else:
        kinds, what = (str, int), "text or integers"
    bad = [c for c in cats if not isinstance(c, kinds) or (isinstance(c, float) and not np.isfinite(c))
           or (isinstance(c, bool) and kinds == (str, int))]
    if (not cats and not fs.missing_bucket) or bad or len(set(keys)) != len(keys):
        out.append((f"{key}.categories", f"a list of distinct categories ({what})", short_list(cats)))
    elif f.categories is not None and keys != [_cat_key(c) for c in f.categories]:
        out.append((f"{key}.categories", f"the spec's categories {short_list(list(f.categories))}", short_list(cats)))
    else:
        unknown = [c for chain in f.order for c in chain if _cat_key(c) not in set(keys)]
        if unknown:
            out.append((f"{key}.categories", f"every category the spec's order names (missing {short_list(unknown)})",
                        short_list(cats)))
    if fs.missing_bucket is not (f.missing == "category"):
        out.append((f"{key}.missing_bucket", f"{str(f.missing == 'category').lower()} (the spec's 'missing: "
                    f"{f.missing}')", repr(fs.missing_bucket)))
    code = fs.fill_code
    if f.missing != "mode":
        if code is not None:
            out.append((f"{key}.fill_code", f"null (the spec's 'missing: {f.missing}' imputes nothing)", repr(code)))
    elif not isinstance(code, (int, np.integer)) or isinstance(code, bool) or not 0 <= code < max(len(cats), 1):
        out.append((f"{key}.fill_code", f"the position of a category, 0 to {len(cats) - 1} ('missing: mode')",
                    repr(code)))
    if fs.keypoints is not None:
        out.append((f"{key}.keypoints", "null on a categorical feature", "a list"))
    return out


# ---------------------------------------------------------------------- input handling
def as_columns(spec: Spec, X: Any, by_position: bool = False) -> tuple[dict[str, np.ndarray], Sequence[Any]]:
    """Split ``X`` into one array per spec feature.

    DataFrames are matched by column name (extra columns are ignored);
    arrays are read in spec order and must have exactly one column per feature.
    ``by_position``: DataFrames are read in column order too, like arrays (a model fitted
    without a spec on an array, whose feature names ``x0, x1, ...`` are not column names).
    Returns the columns and the row labels (for messages).
    """
    names = spec.feature_names
    if by_position and hasattr(X, "iloc") and hasattr(X, "columns"):
        index = list(X.index)
        if X.shape[1] != len(names):
            raise DataError([Problem("X", f"{len(names)} columns, read by position (the model was fitted on an "
                                          "array without a spec)", f"{X.shape[1]} columns",
                                     f"Pass the {len(names)} columns in the order used at fit.")])
        return {n: X.iloc[:, j].to_numpy() for j, n in enumerate(names)}, index
    if hasattr(X, "iloc") and hasattr(X, "columns"):  # pandas DataFrame
        check_unique_columns(X)
        # Feature names are strings; match columns by their text so that integer labels (0, 1, ...) work.
        by_text = {str(c): c for c in X.columns}
        missing = [n for n in names if n not in by_text]
        if missing:
            cols = list(by_text)
            raise DataError([
                Problem(f"X[{n!r}]", f"a column named {n!r} (declared in the spec)", "no such column",
                        (did_you_mean(n, cols).strip() + f" Columns present: {cols[:20]}.").strip(), n, None)
                for n in missing
            ])
        return {n: X[by_text[n]].to_numpy() for n in names}, list(X.index)
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise DataError([Problem("X", "a dense array or a pandas DataFrame", "a sparse matrix",
                                 "priorml needs dense input; call X.toarray() if it fits in memory.")])
    arr = np.asarray(X, dtype=object) if not isinstance(X, np.ndarray) else X
    if arr.ndim == 1:
        raise DataError([Problem("X", "a 2-D array (n_samples, n_features)", f"a 1-D array of shape {arr.shape}",
                                 "Reshape your data with X.reshape(-1, 1) if it has one feature, "
                                 "or X.reshape(1, -1) if it is one sample.")])
    if arr.ndim != 2:
        raise DataError([Problem("X", "a 2-D array (n_samples, n_features)", f"an array of shape {arr.shape}")])
    if arr.shape[1] != len(names):
        raise DataError([Problem("X", f"{len(names)} columns in spec order ({', '.join(names[:10])})",
                                 f"{arr.shape[1]} columns", "Pass a DataFrame with named columns, or match the spec's feature order.")])
    return {n: arr[:, j] for j, n in enumerate(names)}, list(range(arr.shape[0]))


def check_unique_columns(X: Any) -> None:
    """A DataFrame whose column names repeat (as text) is refused: which one holds the feature?"""
    if not hasattr(X, "columns"):
        return
    counts = Counter(str(c) for c in X.columns)
    dup = [c for c, k in counts.items() if k > 1]
    if dup:
        raise DataError([Problem("X", "distinct column names",
                                 ", ".join(f"{c!r} {counts[c]} times" for c in dup[:10]),
                                 "Drop or rename the duplicated columns, e.g. X.loc[:, ~X.columns.duplicated()].",
                                 dup[0], None)])


def _is_missing(col: np.ndarray) -> np.ndarray:
    if col.dtype.kind in "fc":
        return np.isnan(col)
    if col.dtype.kind in "iub":
        return np.zeros(col.shape, dtype=bool)
    return np.array([v is None or (isinstance(v, float) and np.isnan(v)) or _is_na_scalar(v) for v in col], dtype=bool)


def _is_na_scalar(v: Any) -> bool:
    try:
        import pandas as pd

        return v is pd.NA or v is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def _to_float(f: NumericFeature, col: np.ndarray, index: Sequence[Any], problems: list[Problem]) -> np.ndarray | None:
    if col.dtype.kind == "c":
        problems.append(Problem(f"X[{f.name!r}]", "real numbers", "complex numbers",
                                "Complex data not supported; pass real values.", f.name))
        return None
    if col.dtype.kind in "iufb":
        return col.astype(float)
    out = np.empty(col.shape[0], dtype=float)
    for i, v in enumerate(col):
        if v is None or _is_na_scalar(v):
            out[i] = np.nan
            continue
        if isinstance(v, (bool, np.bool_)):
            out[i] = float(v)
            continue
        try:
            if isinstance(v, (complex, np.complexfloating)):
                raise TypeError
            out[i] = float(v)
        except (TypeError, ValueError):
            if _is_duration(v):
                fix = (f"Convert the durations to numbers first, e.g. X[{f.name!r}].dt.total_seconds() or "
                       f"X[{f.name!r}].dt.days.")
            elif _is_time(v):  # "declare it categorical" would make every date a category of its own
                fix = (f"Convert the dates or times to numbers first, e.g. the year (X[{f.name!r}].dt.year) or the "
                       f"days since a start date ((X[{f.name!r}] - start).dt.days).")
            else:
                fix = f"Clean the column, or declare {f.name!r} as 'type: categorical' if it is a category."
            problems.append(Problem(f"X[{f.name!r}]", "numbers in a numeric feature", f"{v!r} at row {index[i]!r}",
                                    fix, f.name))
            return None
    return out


def _is_duration(v: Any) -> bool:
    """A time difference (Python, NumPy or pandas), which has no year."""
    import datetime

    return isinstance(v, (datetime.timedelta, np.timedelta64)) or (
        type(v).__module__.startswith("pandas") and type(v).__name__ == "Timedelta")


def _is_time(v: Any) -> bool:
    """A date, time, time difference or period (Python, NumPy or pandas)."""
    import datetime

    if isinstance(v, (datetime.date, datetime.time, datetime.timedelta, np.datetime64, np.timedelta64)):
        return True
    return type(v).__module__.startswith("pandas") and type(v).__name__ in ("Period", "Timestamp", "Timedelta")


def _fit_numeric(f: NumericFeature, col: np.ndarray, index: Sequence[Any], problems: list[Problem]) -> FeatureSchema:
    vals = _to_float(f, col, index, problems)
    fs = FeatureSchema(f.name, "numeric")
    if vals is None:
        return fs
    inf = np.isinf(vals)
    if inf.any():
        problems.append(Problem(f"X[{f.name!r}]", "finite values", f"inf at row {index[int(np.argmax(inf))]!r}",
                                "Replace infinities by a value or by NaN (see the feature's 'missing' key).", f.name))
        return fs
    miss = np.isnan(vals)
    ok = vals[~miss]
    if miss.any() and f.missing == "error":
        problems.append(Problem(f"X[{f.name!r}]", "no missing values (missing: error)",
                                f"{int(miss.sum())} missing (NaN), first at row {index[int(np.argmax(miss))]!r}",
                                "Set 'missing: median' (or mean, min, max, a number) on the feature, or clean the data.", f.name, "missing"))
        return fs
    if ok.size == 0:
        problems.append(Problem(f"X[{f.name!r}]", "at least one non-missing value", "only missing values",
                                "Drop the feature or provide data.", f.name))
        return fs
    big = np.abs(ok) > MAX_ABS_VALUE
    if big.any():
        problems.append(Problem(f"X[{f.name!r}]", f"values of magnitude below {MAX_ABS_VALUE:.0e}",
                                f"{float(ok[np.argmax(big)])!r} ({int(big.sum())} such values)",
                                "Rescale the column (e.g. to other units or its logarithm); the models compute in "
                                "32-bit floats.", f.name))
        return fs
    observed = (float(ok.min()), float(ok.max()))
    if f.clip is not None:
        ok = np.clip(ok, *f.clip)
    if isinstance(f.keypoints, tuple):
        kp = np.asarray(f.keypoints, dtype=float)
    else:
        kp = compute_keypoints(ok, f.keypoints, f.clip)
    if observed[1] > observed[0] and np.ptp(np.clip(ok, kp[0], kp[-1])) == 0:
        what = ("clip range " + str(list(f.clip))) if f.clip is not None and np.ptp(ok) == 0 else (
            "explicit keypoints " + str([float(v) for v in kp]))
        warnings.warn(
            f"Feature {f.name!r}: every training value lies outside its {what} (observed range "
            f"[{observed[0]:.6g}, {observed[1]:.6g}]), so the model sees one value and cannot use the feature. "
            "Check the range against the data's units.", DataWarning, stacklevel=4)
    fill = {"median": np.median, "mean": np.mean, "min": np.min, "max": np.max}
    fs.fill = float(fill[f.missing](ok)) if f.missing in fill else (float(f.missing) if not isinstance(f.missing, str) else None)
    fs.keypoints = kp
    fs.lo, fs.hi = float(kp[0]), float(kp[-1])
    return fs


def _encode_numeric(f: NumericFeature, fs: FeatureSchema, col: np.ndarray, index: Sequence[Any], problems: list[Problem],
                    missing: dict[str, np.ndarray]) -> np.ndarray:
    """The feature's values imputed (not clipped: :meth:`Schema.clip`); records its missing rows in ``missing``."""
    vals = _to_float(f, col, index, problems)
    if vals is None:
        return np.zeros(len(index))
    inf = np.isinf(vals)
    if inf.any():
        problems.append(Problem(f"X[{f.name!r}]", "finite values", f"inf at row {index[int(np.argmax(inf))]!r}",
                                "Replace infinities by a value or by NaN (see the feature's 'missing' key).", f.name))
        return vals
    miss = missing[f.name] = np.isnan(vals)
    if miss.any():
        if fs.fill is None:
            problems.append(Problem(f"X[{f.name!r}]", "no missing values (missing: error)",
                                    f"{int(miss.sum())} missing (NaN), first at row {index[int(np.argmax(miss))]!r}",
                                    "Set 'missing: median' (or mean, min, max, a number) on the feature, or clean the data.", f.name, "missing"))
            return vals
        vals = np.where(miss, fs.fill, vals)
    return vals


def _fit_categorical(f: CategoricalFeature, col: np.ndarray, index: Sequence[Any], problems: list[Problem]) -> FeatureSchema:
    fs = FeatureSchema(f.name, "categorical")
    miss = _is_missing(col)
    if miss.any() and f.missing == "error":
        problems.append(Problem(f"X[{f.name!r}]", "no missing values (missing: error)",
                                f"{int(miss.sum())} missing, first at row {index[int(np.argmax(miss))]!r}",
                                "Set 'missing: mode' or 'missing: category' on the feature, or clean the data.", f.name, "missing"))
        return fs
    present = [v for v, m in zip(col, miss) if not m]
    if f.categories is not None:
        cats = tuple(f.categories)
        known = {_cat_key(c) for c in cats}
        bad = [(i, v) for i, (v, m) in enumerate(zip(col, miss)) if not m and _cat_key(_plain(v)) not in known]
        if bad:
            i, v = bad[0]
            problems.append(Problem(f"X[{f.name!r}]", f"one of the declared categories {short_list(cats)}",
                                    f"{_plain(v)!r} at row {index[i]!r} ({len(bad)} rows outside the list)",
                                    "Add the category to 'categories' or clean the data.", f.name, "categories"))
            return fs
    else:
        # ordered categories first, in spec order, then the other levels seen
        cats = merge_levels([c for chain in f.order for c in chain], [_plain(v) for v in present])
        _warn_unseen_order_levels(f, present)
    if f.missing == "mode" and not present:
        problems.append(Problem(f"X[{f.name!r}]", "at least one non-missing value ('missing: mode' imputes the most "
                                "frequent category)", "only missing values",
                                "Drop the feature, provide data, or set 'missing: category'.", f.name, "missing"))
        return fs
    fs.categories = cats
    fs.missing_bucket = f.missing == "category"
    if f.missing == "mode" and present:
        keys = [_cat_key(_plain(v)) for v in present]
        mode = max(set(keys), key=lambda k: (keys.count(k), -[_cat_key(c) for c in cats].index(k)))
        fs.fill_code = [_cat_key(c) for c in cats].index(mode)
    return fs


def _warn_unseen_order_levels(f: CategoricalFeature, present: list) -> None:
    """Without declared categories an order's levels are matched to the data by their text: a level that no
    training row has while the rows hold levels the order does not name (a typo, a different case, YAML's
    reading of no/yes as false/true) is ordered without data while the real levels stay free, so say so."""
    if not f.order:
        return
    seen = {_cat_key(_plain(v)) for v in present}
    named = list(dict.fromkeys(c for chain in f.order for c in chain))
    unseen = [c for c in named if _cat_key(c) not in seen]
    outside = seen - {_cat_key(c) for c in named}
    if not unseen or not outside:  # a level only absent from these rows (a CV fold, a drift batch) is no mistake
        return
    levels = sorted(seen)
    hints = "".join(did_you_mean(_cat_key(c), levels) for c in unseen[:3])
    what = "none of its levels" if len(unseen) == len(named) else f"{len(unseen)} of its {len(named)} levels"
    warnings.warn(f"features.{f.name}.order names levels that no training row has ({what}: {short_list(unseen)}); "
                  f"the data's levels are {short_list(levels)}. The order constrains only the levels it names, so a "
                  f"level named wrongly leaves the real one free.{hints} Fix the names in 'order' (quote yes/no/true/"
                  "false in YAML), or declare 'categories' if the level is only absent from these rows.",
                  DataWarning, stacklevel=6)


def _encode_categorical(f: CategoricalFeature, fs: FeatureSchema, col: np.ndarray, index: Sequence[Any], problems: list[Problem]) -> np.ndarray:
    lookup = {_cat_key(c): i for i, c in enumerate(fs.categories)}
    miss = _is_missing(col)
    out = np.empty(len(col), dtype=float)
    for i, (v, m) in enumerate(zip(col, miss)):
        if m:
            if fs.missing_bucket:
                out[i] = len(fs.categories)
            elif fs.fill_code is not None:
                out[i] = fs.fill_code
            else:
                problems.append(Problem(f"X[{f.name!r}]", "no missing values (missing: error)", f"missing at row {index[i]!r}",
                                        "Set 'missing: mode' or 'missing: category' on the feature.", f.name, "missing"))
                return out
            continue
        code = lookup.get(_cat_key(_plain(v)))
        if code is None:
            problems.append(Problem(f"X[{f.name!r}]", f"a category seen in training {short_list(fs.categories)}",
                                    f"{_plain(v)!r} at row {index[i]!r}",
                                    "Declare all categories in the spec's 'categories' and refit, or map the value to a known category.",
                                    f.name, "categories"))
            return out
        out[i] = code
    return out


def _plain(v: Any) -> Any:
    """numpy scalars to Python scalars; integral floats (1.0 from a float column) to int."""
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def merge_levels(base: Sequence[Any], present: Any) -> tuple:
    """Categorical levels: those of ``base`` in their order, then the values of ``present`` that ``base``
    lacks, sorted (:func:`_sort_key`); each level once, levels matching by their text (``_cat_key``)."""
    seen: dict[str, Any] = {}
    for c in base:
        seen.setdefault(_cat_key(c), c)
    for v in sorted({_cat_key(v): v for v in present}.values(), key=_sort_key):
        seen.setdefault(_cat_key(v), v)
    return tuple(seen.values())


def _sort_key(v: Any) -> tuple:
    return (0, v, "") if isinstance(v, (int, float)) and not isinstance(v, bool) else (1, 0, str(v))


def _target_row(y: Any, i: int) -> str:
    """Row ``i`` of the target as messages about ``X`` name it: the index label of a pandas
    Series or DataFrame, the position otherwise."""
    if hasattr(y, "iloc") and hasattr(y, "index") and 0 <= i < len(y.index):
        return repr(y.index[i:i + 1].tolist()[0])  # Python scalars, as list(X.index) gives for X's messages
    return str(i)


def warn_if_misaligned(X: Any, y: Any, x_name: str = "X", y_name: str = "y") -> None:
    """X and y pandas objects with different row indexes are paired by position (row 0 with row 0), as in
    scikit-learn; when their labels say otherwise (X reordered or filtered but not y), that pairs the wrong
    rows without an error, so say so."""
    import pandas as pd

    if not (isinstance(X, pd.DataFrame) and isinstance(y, (pd.Series, pd.DataFrame))):
        return  # a list's .index is a method, an array has none: nothing to compare
    xi, yi = X.index, y.index
    if len(xi) != len(yi) or xi.equals(yi):
        return
    warnings.warn(f"{x_name} and {y_name} have different row indexes (first labels {list(xi[:3])} and "
                  f"{list(yi[:3])}); priorml pairs them by position, as scikit-learn does. To match them by label "
                  f"pass {y_name}.loc[{x_name}.index]; if the order is right, pass {y_name}.to_numpy() to say so.",
                  DataWarning, stacklevel=4)


def check_target(y: Any, task: str, n_rows: int | None = None) -> np.ndarray:
    """Validate the target: length, finiteness (regression), two classes (classification)."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise DataError([Problem("y", "a 1-D target (n_samples,)", f"an array of shape {arr.shape}",
                                 "priorml models one target; pass y as a 1-D array or Series.")])
    if n_rows is not None and arr.shape[0] != n_rows:
        raise DataError([Problem("y", f"{n_rows} values (one per row of X)", f"{arr.shape[0]} values",
                                 "X and y must have the same number of rows.")])
    if arr.shape[0] == 0:
        raise DataError([Problem("y", "at least one row", "0 rows", "Provide training data.")])
    if arr.dtype.kind == "c":
        raise DataError([Problem("y", "real values", "complex numbers", "Complex data not supported; pass real values.")])
    if task == "regression" and arr.dtype.kind in "mM":  # astype(float) would give counts, and NaT -9.2e18
        what = "dates or times" if arr.dtype.kind == "M" else "durations"
        fix = ("e.g. the days since a start date ((y - start).dt.days) or the year (y.dt.year)" if arr.dtype.kind == "M"
               else "e.g. y.dt.total_seconds() or y.dt.days")
        raise DataError([Problem("y", "numbers for a regression target", f"{what} (dtype {arr.dtype})",
                                 f"Convert the target to numbers first, {fix}.")])
    if task == "regression":
        try:
            yf = arr.astype(float)
        except (TypeError, ValueError):
            raise DataError([Problem("y", "numbers for a regression target", f"values of type {arr.dtype}",
                                     "Use task: classification for labels, or convert the target to numbers.")]) from None
        bad = ~np.isfinite(yf)
        if bad.any():
            i = int(np.argmax(bad))
            raise DataError([Problem("y", "finite target values (no NaN or inf)",
                                     f"{float(yf[i])!r} at row {_target_row(y, i)}",
                                     f"{int(bad.sum())} rows have a missing or infinite target; drop them before fitting.")])
        return yf
    miss = _is_missing(arr if arr.dtype.kind != "O" else arr)
    if miss.any():
        i = int(np.argmax(miss))
        raise DataError([Problem("y", "labels without missing values", f"a missing label at row {_target_row(y, i)}",
                                 "Drop the rows with a missing label.")])
    return arr
