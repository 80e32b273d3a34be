"""The models that :func:`priorml.compare` fits: priorml's constrained estimators,
unconstrained scikit-learn baselines and a constrained gradient-boosting peer.

Every model accepts the same ``X`` as the priorml estimators (a DataFrame with
the spec's columns, categoricals included, or an array in spec order): the
baselines carry their own preprocessing, :class:`SpecEncoder`, built from the
spec, so missing values, declared categories and column matching follow the
spec exactly as they do for the lattice and Bayesian fits.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

from .._args import seed_problem
from ..errors import Problem, SpecError, did_you_mean
from ..spec import CategoricalFeature, NumericFeature, Spec

__all__ = ["build_models", "SpecEncoder", "MODEL_NAMES", "DEFAULT_MODELS", "KINDS", "BAYES_DEFAULTS"]

#: the models fitted when ``models=None``
DEFAULT_MODELS = ("lattice", "random_forest", "hist_gradient_boosting", "linear", "hgb_monotone")

#: every built-in model name and its kind
KINDS = {
    "lattice": "constrained",
    "bayes": "constrained",
    "random_forest": "baseline",
    "hist_gradient_boosting": "baseline",
    "linear": "baseline",
    "hgb_monotone": "peer",
}
MODEL_NAMES = tuple(KINDS)

#: other spellings accepted for the built-in names
ALIASES = {"rf": "random_forest", "hgb": "hist_gradient_boosting", "logistic": "linear", "bayesian": "bayes"}

#: fast Bayesian settings used by compare (full NUTS, shorter than the estimator's 4 x (1000 + 1000))
BAYES_DEFAULTS = {"method": "nuts", "draws": 500, "tune": 500, "chains": 2, "progressbar": False}

#: settings of the unconstrained baselines (fixed, untuned)
RANDOM_FOREST_TREES = 300
LINEAR_MAX_ITER = 1000


class SpecEncoder(TransformerMixin, BaseEstimator):
    """Encode ``X`` for a scikit-learn model exactly as the spec reads it.

    Columns are matched by name (DataFrame) or read in spec order (array);
    missing values are imputed as each feature's ``missing`` key says
    (``missing: error`` refuses them); categories are those declared, or
    learnt from the training rows. Numeric columns are clipped to the spec's
    ``clip`` range when one is declared, and otherwise left as they are (no
    clipping to the training range, unlike the lattice calibrators).

    Parameters
    ----------
    spec : Spec
        The spec whose features are encoded, in spec order.
    categorical : {'ordinal', 'onehot'}
        Categorical features as one column of bucket codes ``0..k-1`` (for
        trees), or as ``k`` indicator columns (for linear models). A missing
        value with ``missing: category`` is bucket ``k``.
    scale : bool
        Standardise the numeric columns with the training mean and sd.

    Attributes
    ----------
    schema_ : priorml.spec.schema.Schema
        Categories and imputation values learnt in ``fit``.
    n_buckets_ : list of int
        Buckets of each categorical feature (``onehot`` width).

    Examples
    --------
    >>> import pandas as pd
    >>> spec = Spec.from_dict({"features": {"x": {}, "g": {"type": "categorical"}}})
    >>> X = pd.DataFrame({"x": [1.0, 2.0, 3.0], "g": ["a", "b", "a"]})
    >>> SpecEncoder(spec, categorical="onehot").fit_transform(X).tolist()
    [[1.0, 1.0, 0.0], [2.0, 0.0, 1.0], [3.0, 1.0, 0.0]]
    """

    def __init__(self, spec: Spec, *, categorical: str = "ordinal", scale: bool = False):
        self.spec = spec
        self.categorical = categorical
        self.scale = scale

    def fit(self, X: Any, y: Any = None) -> "SpecEncoder":
        from ..spec.schema import Schema

        if self.categorical not in ("ordinal", "onehot"):
            raise SpecError([Problem("categorical", "'ordinal' or 'onehot'", repr(self.categorical))])
        self.schema_ = Schema.fit(self.spec, X)
        self.n_buckets_ = [fs.n_buckets for fs in self.schema_.features if fs.kind == "categorical"]
        num = self._numeric(X, self.schema_.transform(self.spec, X))
        self.mean_ = num.mean(axis=0) if num.size else np.zeros(0)
        sd = num.std(axis=0) if num.size else np.zeros(0)
        self.scale_ = np.where(sd > 1e-12, sd, 1.0)
        return self

    def _numeric(self, X: Any, codes: np.ndarray) -> np.ndarray:
        """Numeric columns, imputed and (only with a declared clip) clipped: not bounded by the keypoints."""
        import pandas as pd

        from ..spec.schema import as_columns

        cols, _ = as_columns(self.spec, X)
        out = []
        for j, (f, fs) in enumerate(zip(self.spec.features, self.schema_.features)):
            if fs.kind != "numeric":
                continue
            # the schema has validated the column already (numbers, no inf, missing allowed or not)
            v = pd.to_numeric(pd.Series(np.asarray(cols[f.name]).ravel()), errors="coerce").to_numpy(dtype=float)
            v = np.where(np.isnan(v), fs.fill if fs.fill is not None else codes[:, j], v)
            if f.clip is not None:
                v = np.clip(v, *f.clip)
            out.append(v)
        return np.column_stack(out) if out else np.zeros((codes.shape[0], 0))

    def transform(self, X: Any) -> np.ndarray:
        """The encoded matrix: spec order, one column per numeric feature and one
        (``ordinal``) or ``k`` (``onehot``) per categorical feature."""
        check_is_fitted(self)
        codes = self.schema_.transform(self.spec, X)
        num = self._numeric(X, codes)
        if self.scale:
            num = (num - self.mean_) / self.scale_
        out, i, c = [], 0, 0
        for j, fs in enumerate(self.schema_.features):
            if fs.kind == "numeric":
                out.append(num[:, i:i + 1])
                i += 1
            elif self.categorical == "ordinal":
                out.append(codes[:, j:j + 1])
            else:
                k = self.n_buckets_[c]
                out.append((codes[:, j:j + 1].astype(int) == np.arange(k)[None, :]).astype(float))
            if fs.kind == "categorical":
                c += 1
        return np.hstack(out) if out else np.zeros((codes.shape[0], 0))


def _categorical_mask(spec: Spec) -> list[bool]:
    return [isinstance(f, CategoricalFeature) for f in spec.features]


def monotonic_cst(spec: Spec) -> list[int]:
    """scikit-learn's ``monotonic_cst`` from the spec: +1/-1 for monotone numeric
    features, 0 elsewhere (categorical orders, shapes and interactions have no
    gradient-boosting counterpart and are left out)."""
    return [int(f.monotonic) if isinstance(f, NumericFeature) else 0 for f in spec.features]


def resolve(spec: Any, task: str | None = None) -> Spec:
    """The ``spec`` argument as a :class:`Spec`, with ``task`` if given (else the spec's own task)."""
    from pathlib import Path

    from ..estimators._base import resolve_spec

    if spec is None:
        raise SpecError([Problem("spec", "a priorml.Spec, a dict or a path to a YAML/JSON spec", "None",
                                 "compare needs the spec to build the constrained models and the baselines' encoders.")])
    if isinstance(spec, (str, Path)):
        resolved = Spec.from_json(spec) if str(spec).endswith(".json") else Spec.from_yaml(spec)
    elif isinstance(spec, dict):
        resolved = Spec.from_dict(spec)
    elif isinstance(spec, Spec):
        resolved = spec
    else:
        resolved = resolve_spec(spec, None, "regression")  # refuses other types with the usual message
    if task is None:
        return resolved
    if task not in ("regression", "classification"):
        raise SpecError([Problem("task", "'regression' or 'classification' (or None: the spec's task)", repr(task))])
    return resolved if resolved.task == task else resolved.replace(task=task)


def _check_params(name: str, params: Any, est_cls: type, forbidden: Iterable[str]) -> dict[str, Any]:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise SpecError([Problem(name, "a dict of estimator parameters, e.g. {'epochs': 100}", type(params).__name__)],
                        title=f"Invalid {name}")
    known = sorted(est_cls().get_params())
    problems = []
    for key in params:
        if key in forbidden:
            problems.append(Problem(f"{name}[{key!r}]", f"a parameter of {est_cls.__name__} other than {key!r}",
                                    repr(key), f"{key!r} is set by compare itself; remove it "
                                    + ("(use compare's random_state)." if key == "random_state" else "(pass the spec to compare).")))
        elif key not in known:
            problems.append(Problem(f"{name}[{key!r}]", f"a parameter of {est_cls.__name__} ({', '.join(known)})",
                                    repr(key), did_you_mean(key, known).strip()))
    if problems:
        raise SpecError(problems, title=f"Invalid {name}")
    return dict(params)


def _builtin(name: str, spec: Spec, random_state: int, lattice_params: dict, bayes_params: dict) -> Any:
    from sklearn.pipeline import Pipeline

    clf = spec.task == "classification"
    if name == "lattice":
        from ..estimators.lattice import LatticeClassifier, LatticeRegressor

        return (LatticeClassifier if clf else LatticeRegressor)(spec, random_state=random_state, **lattice_params)
    if name == "bayes":
        from ..estimators.bayes import BayesianClassifier, BayesianRegressor

        return (BayesianClassifier if clf else BayesianRegressor)(spec, random_state=random_state,
                                                                  **{**BAYES_DEFAULTS, **bayes_params})
    if name == "random_forest":
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

        rf = (RandomForestClassifier if clf else RandomForestRegressor)(n_estimators=RANDOM_FOREST_TREES,
                                                                        random_state=random_state, n_jobs=1)
        return Pipeline([("encode", SpecEncoder(spec, categorical="ordinal")), ("model", rf)])
    if name in ("hist_gradient_boosting", "hgb_monotone"):
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        mask = _categorical_mask(spec)
        extra = {"monotonic_cst": monotonic_cst(spec)} if name == "hgb_monotone" else {}
        hgb = (HistGradientBoostingClassifier if clf else HistGradientBoostingRegressor)(
            categorical_features=mask if any(mask) else None, random_state=random_state, **extra)
        return Pipeline([("encode", SpecEncoder(spec, categorical="ordinal")), ("model", hgb)])
    if name == "linear":
        from sklearn.linear_model import LinearRegression, LogisticRegression

        lin = LogisticRegression(max_iter=LINEAR_MAX_ITER) if clf else LinearRegression()
        return Pipeline([("encode", SpecEncoder(spec, categorical="onehot", scale=True)), ("model", lin)])
    raise AssertionError(name)  # pragma: no cover - names are checked before


def _is_estimator(obj: Any) -> bool:
    return hasattr(obj, "fit") and hasattr(obj, "get_params")


def parse_models(models: Any) -> list[tuple[str, str | None, Any]]:
    """Normalise ``models`` to ``(name, kind or None, estimator or None)``; built-ins have no estimator yet.

    Accepts ``None`` (the defaults), a name, or a sequence of names,
    ``(name, estimator)`` pairs and ``(name, kind, estimator)`` triples (what
    :func:`build_models` returns). Raises SpecError listing every problem.
    """
    if models is None:
        return [(m, KINDS[m], None) for m in DEFAULT_MODELS]
    if isinstance(models, str) or (isinstance(models, tuple) and len(models) in (2, 3) and isinstance(models[0], str)
                                   and _is_estimator(models[-1])):
        models = [models]
    if not isinstance(models, (list, tuple)) or len(models) == 0:
        raise SpecError([Problem("models", "a non-empty list of model names or (name, estimator) pairs",
                                 repr(models) if not isinstance(models, (list, tuple)) else "an empty list",
                                 f"For example models=['lattice', 'random_forest']; built-in names: {', '.join(MODEL_NAMES)}.")],
                        title="Invalid models")
    out: list[tuple[str, str | None, Any]] = []
    problems: list[Problem] = []
    names = list(MODEL_NAMES) + list(ALIASES)
    for i, item in enumerate(models):
        if isinstance(item, str):
            key = item.strip().lower()
            key = ALIASES.get(key, key)
            if key not in KINDS:
                problems.append(Problem(f"models[{i}]", f"a built-in model name ({', '.join(MODEL_NAMES)}) "
                                        "or a (name, estimator) pair", repr(item),
                                        did_you_mean(item, names).strip() or "Pass your own estimator as ('name', estimator)."))
                continue
            out.append((key, KINDS[key], None))
        elif isinstance(item, (list, tuple)) and len(item) in (2, 3) and isinstance(item[0], str) and _is_estimator(item[-1]):
            kind = item[1] if len(item) == 3 else None
            if kind is not None and kind not in ("constrained", "baseline", "peer"):
                problems.append(Problem(f"models[{i}]", "kind 'constrained', 'baseline' or 'peer'", repr(kind)))
                continue
            if kind is None:
                kind = "constrained" if type(item[-1]).__module__.startswith("priorml.") else "baseline"
            out.append((item[0], kind, item[-1]))
        else:
            problems.append(Problem(f"models[{i}]", "a model name or a (name, estimator) pair with a fit method",
                                    repr(item)[:80], f"Built-in names: {', '.join(MODEL_NAMES)}."))
    seen: set[str] = set()
    for name, _, _ in out:
        if name in seen:
            problems.append(Problem("models", "distinct model names", f"{name!r} twice", "Give each model its own name."))
        seen.add(name)
    if problems:
        raise SpecError(problems, title="Invalid models")
    return out


def build_models(spec: Any, models: Any = None, *, task: str | None = None, random_state: int = 0,
                 lattice_params: dict | None = None, bayes_params: dict | None = None) -> list[tuple[str, str, Any]]:
    """Turn model names into ready, unfitted estimators that all accept the spec's ``X``.

    Parameters
    ----------
    spec : Spec, dict or path
        The constraint spec (its task decides regressors or classifiers).
    models : list or None
        Names among ``lattice``, ``bayes``, ``random_forest`` (``rf``),
        ``hist_gradient_boosting`` (``hgb``), ``linear`` (``logistic``) and
        ``hgb_monotone``; ``(name, estimator)`` pairs and
        ``(name, kind, estimator)`` triples are passed through. ``None``:
        ``lattice, random_forest, hist_gradient_boosting, linear, hgb_monotone``.
    task : {'regression', 'classification'} or None
        Overrides the spec's task.
    random_state : int
        Seed of every built-in model.
    lattice_params, bayes_params : dict or None
        Extra parameters of the lattice and Bayesian estimators (not ``spec``
        or ``random_state``).

    Returns
    -------
    list of (name, kind, estimator)
        ``kind`` is ``'constrained'`` (lattice, bayes), ``'baseline'``
        (unconstrained: random forest, histogram gradient boosting,
        linear/logistic regression) or ``'peer'`` (hgb_monotone).

    Notes
    -----
    The settings are fixed and untuned, so that a comparison measures the
    knowledge, not a tuning budget:

    * ``lattice``: :class:`~priorml.LatticeRegressor` /
      :class:`~priorml.LatticeClassifier` with its defaults and ``lattice_params``.
    * ``bayes``: :class:`~priorml.BayesianRegressor` /
      :class:`~priorml.BayesianClassifier`, full NUTS with 2 chains x
      (500 tuning + 500 kept) draws (the estimator's own default is 4 x
      (1000 + 1000)), no progress bar; ``bayes_params`` overrides these.
    * ``random_forest``: 300 trees, scikit-learn defaults otherwise,
      categoricals as ordinal codes.
    * ``hist_gradient_boosting``: scikit-learn defaults, native categorical
      support.
    * ``linear``: ``LinearRegression`` or ``LogisticRegression`` (L2, C=1,
      max_iter=1000) on standardised numeric columns and one-hot categories.
    * ``hgb_monotone``: ``hist_gradient_boosting`` plus ``monotonic_cst`` from
      the spec's monotone *numeric* features. Categorical orders, shapes,
      unimodality, interactions and output bounds have no counterpart in
      gradient boosting and are not imposed.

    Every baseline starts with :class:`SpecEncoder`, so it reads the same
    columns, categories and missing values as the priorml estimators.

    Examples
    --------
    >>> spec = {"features": {"w": {"monotonic": "decreasing"}, "origin": {"type": "categorical"}}}
    >>> [(name, kind) for name, kind, _ in build_models(spec)]  # doctest: +NORMALIZE_WHITESPACE
    [('lattice', 'constrained'), ('random_forest', 'baseline'), ('hist_gradient_boosting', 'baseline'),
     ('linear', 'baseline'), ('hgb_monotone', 'peer')]

    Raises
    ------
    SpecError
        For an unknown model name (with a suggestion), duplicate names,
        unknown estimator parameters or an invalid spec.
    """
    from ..estimators.bayes import BayesianRegressor
    from ..estimators.lattice import LatticeRegressor

    resolved = resolve(spec, task)
    if (problem := seed_problem(random_state)) is not None:
        raise SpecError([problem], title="Invalid arguments")
    parsed = parse_models(models)
    lp = _check_params("lattice_params", lattice_params, LatticeRegressor, ("spec", "random_state"))
    bp = _check_params("bayes_params", bayes_params, BayesianRegressor, ("spec", "random_state"))
    return [(name, kind, _builtin(name, resolved, int(random_state), lp, bp) if est is None else est)
            for name, kind, est in parsed]


def with_seed(name: str, estimator: Any, seed: int, builtin: bool) -> Any:
    """A fresh clone; built-in models get ``seed`` (a model you pass keeps its own random_state)."""
    est = clone(estimator)
    if builtin:
        keys = [k for k in est.get_params() if k == "random_state" or k.endswith("__random_state")]
        est.set_params(**{k: int(seed) for k in keys})
    return est
