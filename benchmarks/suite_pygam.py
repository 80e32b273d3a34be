"""pyGAM with the spec's shape constraints, as a scikit-learn estimator: a peer in the benchmark suite.

pyGAM (``pip install priorml[bench]``) imposes monotone and convex/concave shapes as *penalties*
on the spline coefficients, not by construction, so its fits can violate them slightly. This
wrapper reads ``X`` exactly as the priorml estimators do (through the spec, via
:class:`priorml.audit.compare.SpecEncoder`) and builds one term per spec feature:

* numeric feature: ``s(j, constraints=...)`` with ``monotonic_inc``/``monotonic_dec`` from the
  spec's direction and ``convex``/``concave`` from its shape (both when both are declared);
  ``unimodal`` has no pyGAM counterpart and is left free. Inputs are clipped to the training range
  at prediction (as the lattice calibrators do), so the splines never extrapolate.
* categorical feature: a factor term ``f(j)`` over the categories seen in the training rows; a
  category unseen there is predicted as the most frequent training category (pyGAM refuses codes
  outside its training domain). Categorical orders are not imposed (no pyGAM counterpart).

The smoothing strength is chosen on the training rows only, by pyGAM's ``gridsearch`` over
``lam`` in ``logspace(-1, 1, 3)`` (0.1, 1, 10) (the same value for all terms) with its default objective
(GCV for ``LinearGAM``, UBRE for ``LogisticGAM``). Settings fixed a priori for the suite's time
budget (when they were fixed, a constrained fit took up to tens of seconds on the 2 shared cores;
0.4-6 s in the 2026-12-01 run): 6 splines per
numeric term and at most 25 iterations per fit (pyGAM's default is 100; a fit that has not
converged by then is used as it is, with pyGAM's warning).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from priorml.audit.compare import SpecEncoder
from priorml.spec import CategoricalFeature


def pygam_available() -> bool:
    """True when pyGAM imports (it is in the ``bench`` extra, not a priorml dependency)."""
    try:
        import pygam  # noqa: F401
    except Exception:  # pragma: no cover - depends on the environment
        return False
    return True


def _constraints(feature) -> list[str] | None:
    out = []
    if feature.monotonic > 0:
        out.append("monotonic_inc")
    elif feature.monotonic < 0:
        out.append("monotonic_dec")
    if feature.shape in ("convex", "concave"):
        out.append(feature.shape)
    return out or None


class _SpecGAM(BaseEstimator):
    _classifier = False

    def __init__(self, spec, *, n_splines: int = 6, lam_grid: Any = None, max_iter: int = 25):
        self.spec = spec
        self.n_splines = n_splines
        self.lam_grid = lam_grid
        self.max_iter = max_iter

    def _encode_fit(self, X):
        self.encoder_ = SpecEncoder(self.spec, categorical="ordinal").fit(X)
        Z = self.encoder_.transform(X).astype(float)
        self.lo_, self.hi_ = Z.min(axis=0), Z.max(axis=0)
        self.cat_maps_: dict[int, tuple[np.ndarray, int]] = {}
        for j, feature in enumerate(self.spec.features):
            if isinstance(feature, CategoricalFeature):
                codes, counts = np.unique(Z[:, j].astype(int), return_counts=True)
                self.cat_maps_[j] = (codes, int(np.argmax(counts)))
        return self._remap(Z)

    def _remap(self, Z):
        Z = np.clip(Z, self.lo_, self.hi_)
        for j, (codes, mode) in self.cat_maps_.items():
            col = Z[:, j].astype(int)
            pos = np.searchsorted(codes, col)
            pos = np.clip(pos, 0, len(codes) - 1)
            Z[:, j] = np.where(codes[pos] == col, pos, mode)
        return Z

    def _terms(self, Z):
        from pygam import f, s
        from pygam.terms import TermList

        terms = []
        for j, feature in enumerate(self.spec.features):
            n_unique = np.unique(Z[:, j]).size
            if n_unique < 2:
                continue  # constant in the training rows: no information, no term
            if isinstance(feature, CategoricalFeature):
                terms.append(f(j))
            else:
                k = int(max(4, min(self.n_splines, n_unique + 2)))
                terms.append(s(j, n_splines=k, constraints=_constraints(feature)))
        if not terms:
            raise ValueError("every feature is constant in the training rows")
        return TermList(*terms)

    def _fit(self, X, y, gam_cls):
        Z = self._encode_fit(X)
        lam = np.logspace(-1, 1, 3) if self.lam_grid is None else np.atleast_1d(np.asarray(self.lam_grid, float))
        if lam.size == 1:
            self.gam_ = gam_cls(self._terms(Z), lam=float(lam[0]), max_iter=self.max_iter).fit(Z, y)
        else:
            self.gam_ = gam_cls(self._terms(Z), max_iter=self.max_iter).gridsearch(Z, y, lam=lam, progress=False)
        return self

    def _Z(self, X):
        return self._remap(self.encoder_.transform(X).astype(float))


class SpecGAMRegressor(RegressorMixin, _SpecGAM):
    """pyGAM ``LinearGAM`` with the spec's monotone and convex/concave constraints (penalties).

    Parameters
    ----------
    spec : priorml.Spec
        The constraint spec; its features are read from ``X`` by name.
    n_splines : int
        Splines per numeric term (fewer for a feature with few distinct values; at least 4).
    lam_grid : array-like or None
        Smoothing strengths searched by GCV on the training rows; ``None``: ``logspace(-1, 1, 3)``;
        one value: no search.
    max_iter : int
        Maximum iterations of pyGAM's fitting loop (its default is 100).
    """

    def fit(self, X, y):
        """Fit on the training rows; the smoothing strength is chosen by GCV on them."""
        from pygam import LinearGAM

        return self._fit(X, np.asarray(y, dtype=float), LinearGAM)

    def predict(self, X):
        """Predicted mean."""
        return self.gam_.predict(self._Z(X))


class SpecGAMClassifier(ClassifierMixin, _SpecGAM):
    """pyGAM ``LogisticGAM`` (binary) with the spec's monotone and convex/concave constraints.

    Parameters are those of :class:`SpecGAMRegressor`; the smoothing strength is chosen by UBRE
    on the training rows.
    """

    def fit(self, X, y):
        """Fit on the training rows (two classes; the second of ``classes_`` is modelled)."""
        from pygam import LogisticGAM

        self.classes_, y01 = np.unique(np.asarray(y), return_inverse=True)
        if self.classes_.size != 2:
            raise ValueError(f"SpecGAMClassifier is binary; got {self.classes_.size} classes")
        return self._fit(X, y01.astype(float), LogisticGAM)

    def predict_proba(self, X):
        """Probabilities of ``classes_[0]`` and ``classes_[1]``."""
        p = np.clip(self.gam_.predict_proba(self._Z(X)), 0.0, 1.0)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        """The more probable class (threshold 0.5)."""
        return self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(int)]
