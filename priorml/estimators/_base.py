"""What the lattice and Bayesian estimators share: spec resolution, input
checking, target encoding and the scikit-learn plumbing.

Estimators only store their constructor arguments; every conversion happens
in ``fit`` and fitted attributes end in ``_``.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import Any

import numpy as np
from sklearn.exceptions import DataConversionWarning
from sklearn.utils.multiclass import type_of_target
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import _check_feature_names, _check_n_features, check_is_fitted

from ..errors import DataError, DataWarning, Problem, SpecError
from ..spec import Spec
from ..spec.spec import as_spec
from ..spec.schema import Schema, check_target, check_unique_columns, warn_if_misaligned


def resolve_spec(spec: Any, X: Any, task: str) -> Spec:
    """The estimator's ``spec`` parameter as a :class:`Spec` with the estimator's task.

    ``None`` means every column is an unconstrained numeric feature (named by
    the DataFrame's columns, or ``x0, x1, ...``), so generic tools work.
    """
    if spec is None:
        resolved = Spec.unconstrained(_column_names(X), task=task)
    else:
        resolved = as_spec(spec)
    if task == "regression" and resolved.task == "classification":
        raise SpecError([Problem("task", "a regression spec (this estimator is a regressor)", "'classification'",
                                 "Use LatticeClassifier or BayesianClassifier for this spec, or set task: regression.",
                                 None, "task")])
    if resolved.task != task:
        resolved = resolved.replace(task=task)  # a spec left at the default task, used by a classifier
    return resolved


def _column_names(X: Any) -> list[str]:
    if hasattr(X, "columns"):
        return [str(c) for c in X.columns]
    shape = _shape(X)
    if len(shape) != 2:
        raise DataError([Problem("X", "a 2-D array (n_samples, n_features)", f"an array of shape {tuple(shape)}",
                                 "Reshape your data with X.reshape(-1, 1) if it has one feature, "
                                 "or X.reshape(1, -1) if it is one sample.")])
    return [f"x{j}" for j in range(shape[1])]


def check_fit_input(est, X: Any, y: Any, task: str) -> tuple[Spec, np.ndarray]:
    """Validate X and y at fit; set ``n_features_in_``/``feature_names_in_``."""
    if y is None:
        raise DataError([Problem("y", "a target array", "None",
                                 f"{type(est).__name__} requires y to be passed, but the target y is None; "
                                 "call fit(X, y).")])
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise DataError([Problem("X", "a dense array or a pandas DataFrame", "a sparse matrix",
                                 "priorml needs dense input; call X.toarray() if it fits in memory.")])
    shape = _shape(X)
    if len(shape) == 2 and shape[1] == 0 and est.spec is None:
        raise DataError([Problem("X", "at least 1 feature",
                                 f"0 feature(s) (shape={tuple(shape)}) while a minimum of 1 is required",
                                 "Pass at least one column.")])
    check_unique_columns(X)
    spec = resolve_spec(est.spec, X, task)
    n = _n_rows(X)
    if n == 0:
        raise DataError([Problem("X", "at least 1 sample", "0 samples (n_samples=0)", "Provide training rows.")])
    y_shape = _shape(y)
    if len(y_shape) == 2 and y_shape[1] == 1:
        warnings.warn("A column-vector y was passed when a 1d array was expected. Please change the shape of y "
                      "to (n_samples,), for example using ravel().", DataConversionWarning, stacklevel=3)
    _check_n_features(est, X, reset=True)
    _feature_names(est, X, reset=True)
    if _is_frame(X):
        # DataFrame columns are matched by name (any order, extra columns ignored): record the columns read,
        # also where scikit-learn records no names (column labels that are not all strings, e.g. 0, 1, ...).
        est.n_features_in_ = len(spec.feature_names)
        if hasattr(est, "feature_names_in_"):
            est.feature_names_in_ = np.asarray(spec.feature_names, dtype=object)
    warn_if_misaligned(X, y)
    try:
        yv = check_target(y, task, n)
    except DataError as exc:  # with the problems of X, so that one round of fixes clears them all
        raise DataError(exc.problems + _x_problems(spec, X)) from None
    if task == "regression" and spec.output is not None:
        _warn_if_outside_bounds(spec, yv)
    return spec, yv


def _x_problems(spec: Spec, X: Any) -> list[Problem]:
    """The data problems of X against the spec (those ``Schema.fit`` reports), without fitting a model."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # only the problems are wanted here; fit warns when it gets that far
            Schema.fit(spec, X)
    except DataError as exc:
        return list(exc.problems)
    return []


def _warn_if_outside_bounds(spec: Spec, y: np.ndarray) -> None:
    """Predictions are held inside the output bounds; most targets outside them suggests wrong units."""
    lo, hi = spec.output.min, spec.output.max
    outside = ((y < lo) if lo is not None else False) | ((y > hi) if hi is not None else False)
    share = float(np.mean(outside))
    if share > 0.5:
        warnings.warn(f"{share:.0%} of the training targets lie outside the spec's output bounds "
                      f"{spec.output.to_dict()} (observed range [{y.min():.6g}, {y.max():.6g}]); predictions are held "
                      "inside the bounds, so the model cannot follow the data. Check the bounds' units.",
                      DataWarning, stacklevel=4)


def check_predict_input(est, X: Any) -> None:
    check_is_fitted(est)
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise DataError([Problem("X", "a dense array or a pandas DataFrame", "a sparse matrix",
                                 "priorml needs dense input; call X.toarray() if it fits in memory.")])
    _column_names(X)
    check_unique_columns(X)
    if _is_frame(X) and est.schema_.extra.get("columns") != "position":
        # Matched by column name when encoded (any order, extra columns ignored; a missing column is named
        # there), also for a model fitted on an array with a spec: scikit-learn's warning that the model was
        # fitted without feature names is kept, its column count is not what is read.
        if not hasattr(est, "feature_names_in_"):
            _feature_names(est, X, reset=False)
        return
    try:
        _check_n_features(est, X, reset=False)
    except ValueError as exc:  # scikit-learn's message, as a DataError naming X
        raise DataError([Problem("X", f"{est.n_features_in_} features (columns), as at fit",
                                 f"{_shape(X)[1]} features ({str(exc).rstrip('.')})",
                                 "Pass the columns the model was fitted on"
                                 + (", in spec order." if est.schema_.extra.get("columns") != "position"
                                    else ", in the order used at fit."))]) from None
    _feature_names(est, X, reset=False)


def _feature_names(est, X: Any, *, reset: bool) -> None:
    """scikit-learn's feature-name bookkeeping; its TypeError for column labels of mixed types
    (e.g. 'a' and 1) becomes a DataError naming X."""
    try:
        _check_feature_names(est, X, reset=reset)
    except TypeError:
        kinds = sorted({type(c).__name__ for c in X.columns})
        raise DataError([Problem("X", "column labels that are all strings (or all non-strings)",
                                 f"labels of the types {', '.join(kinds)}: {list(X.columns)!r}",
                                 "Convert them to text first, e.g. X.columns = X.columns.astype(str), and name "
                                 "the features of the spec by that text.")]) from None


def _is_frame(X: Any) -> bool:
    return hasattr(X, "iloc") and hasattr(X, "columns")


def _shape(X: Any) -> tuple[int, ...]:
    """Shape of array-likes, including those that only implement ``__array__``."""
    shape = getattr(X, "shape", None)
    return tuple(shape) if shape is not None else np.asarray(X, dtype=object).shape


def _n_rows(X: Any) -> int:
    shape = _shape(X)
    if len(shape) < 2:
        _column_names(X)
    return int(shape[0])


def encode_classes(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Binary labels of any type -> (classes_, y in {0, 1})."""
    _check_label_types(y)
    if type_of_target(y).startswith("continuous"):
        raise DataError([Problem("y", "class labels for classification", "a continuous target (non-integer numbers)",
                                 "Use a regressor for a numeric target, or convert the target to labels.")])
    classes, codes = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise DataError([Problem("y", "two classes for binary classification",
                                 f"only one class ({classes.tolist()[0]!r})" if classes.size else "no labels",
                                 "Check the target column; a classifier needs examples of both classes.")])
    if classes.size > 2:
        raise DataError([Problem("y", "two classes (priorml classifiers are binary)",
                                 f"{classes.size} classes {classes.tolist()[:10]}",
                                 "Only binary classification is supported. Recode the target as one class against the rest, "
                                 "or use a regressor for an ordinal target.")])
    return classes, codes.astype(float)


def _check_label_types(y: Any) -> None:
    """Labels that cannot be sorted together (e.g. 0 and 'yes') are refused with their types named."""
    arr = np.asarray(y)
    if arr.dtype.kind != "O":
        return
    kinds = {type(v).__name__ for v in arr.ravel()}
    numeric = {"int", "float", "bool"} | {k for k in kinds if k.startswith(("int", "float", "uint", "bool"))}
    if len(kinds) > 1 and not kinds <= numeric:
        raise DataError([Problem("y", "class labels of one type", f"a mix of {', '.join(sorted(kinds))}",
                                 "Convert the labels to one type, e.g. y.astype(str).")])


def check_sample_weight(sample_weight: Any, n: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    try:
        sw = np.asarray(sample_weight, dtype=float)
    except (TypeError, ValueError):
        raise DataError([Problem("sample_weight", "numbers (one non-negative weight per row)",
                                 f"values of type {np.asarray(sample_weight).dtype}",
                                 "Convert the weights to numbers.")]) from None
    if sw.ndim == 0:
        sw = np.full(n, float(sw))
    if sw.shape != (n,):
        raise DataError([Problem("sample_weight", f"an array of {n} weights", f"shape {sw.shape}",
                                 "Pass one weight per row.")])
    bad = ~np.isfinite(sw) | (sw < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError([Problem("sample_weight", "finite non-negative weights",
                                 f"{float(sw[i])!r} at row {i} ({int(bad.sum())} negative or non-finite)",
                                 "Fix the weights.")])
    if sw.sum() <= 0:
        raise DataError([Problem("sample_weight", "weights with a positive sum", "all zero",
                                 "At least one row must have a positive weight.")])
    return sw


def fit_schema(spec: Spec, X: Any, y: np.ndarray, spec_given: bool = True) -> tuple[Schema, np.ndarray, np.ndarray]:
    """The schema learnt from ``X``, and ``X`` encoded by it: clipped to the keypoints (what the model reads)
    and not clipped (what the training-data digest hashes), from one encoding pass."""
    try:
        schema = Schema.fit(spec, X, y)
    except DataError as exc:
        if spec_given:
            raise
        raise DataError([_without_spec(p) for p in exc.problems]) from None
    if not _is_frame(X) and spec.feature_names == tuple(_column_names(X)) and spec == Spec.unconstrained(
            spec.feature_names, task=spec.task):
        # Fitted without a spec on an array: the names x0, x1, ... are ours, so a DataFrame given to
        # predict is read by position, as scikit-learn does (its feature-name check warns).
        schema.extra["columns"] = "position"
    raw = schema.transform(spec, X, clip=False)
    return schema, schema.clip(raw), raw


def training_data_record(Xenc: np.ndarray, y_codes: np.ndarray, sample_weight: np.ndarray | None) -> dict[str, Any]:
    """What a fitted estimator records of its training data (``training_data_``): the number of rows and one
    SHA-256 of the rows as the model read them (:func:`data_digest`)."""
    return {"n_rows": int(Xenc.shape[0]), "sha256": data_digest(Xenc, y_codes, sample_weight),
            "sample_weight": sample_weight is not None}


def data_digest(Xenc: np.ndarray, y_codes: np.ndarray, sample_weight: np.ndarray | None) -> str:
    """SHA-256 of encoded rows, target and weights: the features as the fitted schema encodes them (after the
    spec's missing-value handling), the target as numbers (a classifier's as the index of its class), the
    weights or their absence. Every NaN hashes alike and -0.0 as 0.0, so the digest depends on the values only."""
    h = hashlib.sha256(b"priorml training data 1")
    for name, part in (("X", Xenc), ("y", y_codes), ("w", sample_weight)):
        if part is None:
            h.update(f"|{name}:none".encode())
            continue
        a = np.ascontiguousarray(part, dtype=np.float64) + 0.0  # -0.0 -> 0.0
        a[np.isnan(a)] = np.nan
        h.update(f"|{name}:{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _without_spec(p: Problem) -> Problem:
    """A data problem's fix that names spec keys, for an estimator built with ``spec=None``, which has none."""
    from dataclasses import replace

    if "'" not in p.fix or not any(k in p.fix for k in ("missing", "categorical", "categories", "clip")):
        return p
    example = f"{{'features': {{{p.feature!r}: {{...}}, ...}}}}" if p.feature else "{'features': {...}}"
    return replace(p, fix=p.fix + f" This estimator has no spec (spec=None reads every column as an unconstrained "
                                  f"numeric feature): pass one to set these keys, e.g. spec={example}.")


def int_seed(random_state: Any) -> int:
    """A seed for TensorFlow or PyMC from an int, a RandomState, or None (fresh entropy)."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))
    if isinstance(random_state, (int, np.integer)):
        return int(random_state)
    return int(random_state.randint(2**31 - 1))  # a RandomState instance


class BinaryClassifierMixin(ClassifierMixin):
    """scikit-learn's classifier mixin, with the tag that says only binary targets are taken."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


#: what a fitted priorml estimator holds, whatever its backend (``check_is_fitted`` looks for these)
FITTED_ATTRIBUTES = ("spec_", "schema_", "program_")


class SpecEstimator(BaseEstimator):
    """What every priorml estimator shares beyond scikit-learn's base: tags, fitted state and saving.

    Subclasses provide ``_get_saved_state()`` / ``_set_saved_state()`` for their backend, and call
    ``_reset_fitted()`` first thing in ``fit``.
    """

    def __sklearn_is_fitted__(self) -> bool:
        # Not scikit-learn's default (any attribute ending in "_"): a fit that failed after setting
        # n_features_in_ or classes_ leaves the estimator unfitted (NotFittedError, not AttributeError).
        return all(hasattr(self, a) for a in FITTED_ATTRIBUTES)

    def _reset_fitted(self) -> None:
        """Forget an earlier fit, so that a fit that fails leaves an unfitted estimator rather than the
        earlier model mixed with the new data's ``classes_`` or ``n_features_in_``."""
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, name)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False  # missing values are handled per feature by the spec
        return tags

    def save(self, path) -> None:
        """Save to a directory (see :mod:`priorml.persistence` for the format; load with :func:`priorml.load`)."""
        from ..persistence import save

        save(self, path)

    def training_data_digest(self, X: Any, y: Any, sample_weight: Any = None) -> str:
        """SHA-256 of ``X, y`` (and ``sample_weight``) as this fitted model reads them, computed as at ``fit``.

        It equals ``training_data_["sha256"]`` exactly when the data are the model's training rows, in the
        same order, as the model reads them (DataFrame columns by name; the spec's missing-value handling
        applied, so a missing value and its imputed value read alike; values beyond the keypoints are not
        clipped, so they count). A reviewer given a model and the data
        it is said to come from can check the claim (:meth:`fitted_on`); the validation report does.
        """
        check_predict_input(self, X)
        Xenc = self.schema_.transform(self.spec_, X, clip=False)
        yv = check_target(y, self.spec_.task, Xenc.shape[0])
        if hasattr(self, "classes_"):
            classes = list(self.classes_)
            y_codes = np.array([float(classes.index(v)) if v in classes else -1.0 for v in yv.tolist()])
        else:
            y_codes = yv
        sw = check_sample_weight(sample_weight, Xenc.shape[0])
        return data_digest(Xenc, y_codes, sw)

    def fitted_on(self, X: Any, y: Any, sample_weight: Any = None) -> bool:
        """Whether ``X, y`` (and ``sample_weight``) are the rows this model was fitted on (see
        :meth:`training_data_digest`); ``False`` also for data the model could not have been fitted on (a
        level it never saw, a missing target, another length).

        Raises
        ------
        PriorMLError
            For a model loaded from a directory saved before priorml recorded its training data.
        """
        from ..errors import PriorMLError

        check_is_fitted(self)
        record = getattr(self, "training_data_", None)
        if record is None:
            raise PriorMLError("This model has no record of its training data (it was saved by an earlier priorml "
                               "version); fit it again to record one.")
        try:
            return self.training_data_digest(X, y, sample_weight) == record["sha256"]
        except (DataError, ValueError, TypeError):  # rows the model could not have been fitted on
            return False

    def fingerprint(self) -> str:
        """SHA-256 (hex) identifying the fitted model: the same after ``save`` and ``load`` (or pickling),
        different as soon as anything that decides its predictions differs (weights or posterior draws,
        data schema, spec, classes, estimator class); settings such as ``verbose`` do not enter it.
        Certificates and validation reports record it, so that a reviewer can check that a deployed
        model is the one that was certified."""
        from ..persistence import fingerprint

        return fingerprint(self)
