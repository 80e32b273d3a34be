"""Design matrices of the Bayesian additive model, in plain numpy.

Every effect is a set of *vertex values*: for a numeric feature, the values
of its piecewise-linear curve at the keypoints (the same keypoints as the
lattice backend); for a categorical feature, one value per bucket; for a
trust interaction, the values on a coarse 2-D grid. A prediction is a linear
map of the vertex values, so the same weights serve PyMC (at fit) and numpy
(at predict, for every posterior draw).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...spec.schema import FeatureSchema

MAX_INTERACTION_GRID = 4


def hat_weights(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Linear-interpolation weights (n, K): ``f(x) = W @ values``; flat outside the knots."""
    x = np.clip(np.asarray(x, dtype=float), knots[0], knots[-1])
    k = len(knots)
    idx = np.clip(np.searchsorted(knots, x, side="right") - 1, 0, k - 2)
    left, right = knots[idx], knots[idx + 1]
    t = (x - left) / (right - left)
    W = np.zeros((len(x), k))
    rows = np.arange(len(x))
    W[rows, idx] = 1 - t
    W[rows, idx + 1] += t
    return W


def coarse_knots(knots: np.ndarray, k: int = MAX_INTERACTION_GRID) -> np.ndarray:
    """At most ``k`` of the keypoints, always with both ends."""
    if len(knots) <= k:
        return np.asarray(knots, dtype=float)
    pick = np.unique(np.linspace(0, len(knots) - 1, k).round().astype(int))
    return np.asarray(knots, dtype=float)[pick]


def one_hot(codes: np.ndarray, n: int) -> np.ndarray:
    W = np.zeros((len(codes), n))
    W[np.arange(len(codes)), np.asarray(codes, dtype=int)] = 1.0
    return W


@dataclass
class Term:
    """One additive term: its kind, the features it reads and its grid."""

    name: str  # variable name of its vertex values in the posterior
    kind: str  # numeric | categorical | trust
    features: tuple[int, ...]
    knots: list[np.ndarray] = field(default_factory=list)  # numeric/trust grids
    n_values: int = 0
    center: np.ndarray | None = None  # mean training weights: subtracted so each term averages 0

    def weights(self, Xenc: np.ndarray) -> np.ndarray:
        """(n, n_values) weights for encoded inputs."""
        if self.kind == "numeric":
            return hat_weights(Xenc[:, self.features[0]], self.knots[0])
        if self.kind == "categorical":
            return one_hot(Xenc[:, self.features[0]], self.n_values)
        wa = hat_weights(Xenc[:, self.features[0]], self.knots[0])
        wb = hat_weights(Xenc[:, self.features[1]], self.knots[1])
        return (wa[:, :, None] * wb[:, None, :]).reshape(len(Xenc), -1)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "features": list(self.features),
                "knots": [k.tolist() for k in self.knots], "n_values": self.n_values,
                "center": None if self.center is None else self.center.tolist()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Term":
        return cls(d["name"], d["kind"], tuple(d["features"]), [np.asarray(k, dtype=float) for k in d["knots"]],
                   d["n_values"], None if d["center"] is None else np.asarray(d["center"], dtype=float))


def make_terms(spec, schema, Xenc: np.ndarray) -> list[Term]:
    """One term per feature, one per trust interaction; centred on the training rows."""
    terms: list[Term] = []
    for j, (f, fs) in enumerate(zip(spec.features, schema.features)):
        if fs.kind == "numeric":
            terms.append(Term(f"f_{j}", "numeric", (j,), [np.asarray(fs.keypoints, dtype=float)], len(fs.keypoints)))
        else:
            terms.append(Term(f"f_{j}", "categorical", (j,), [], fs.n_buckets))
    idx = {n: i for i, n in enumerate(spec.feature_names)}
    for k, t in enumerate(spec.trusts):
        a, b = idx[t.feature], idx[t.by]
        ka = coarse_knots(schema.features[a].keypoints)
        kb = coarse_knots(schema.features[b].keypoints)
        terms.append(Term(f"trust_{k}", "trust", (a, b), [ka, kb], len(ka) * len(kb)))
    for term in terms:
        term.center = term.weights(Xenc).mean(axis=0)
    return terms


def unit_widths(knots: np.ndarray) -> np.ndarray:
    """Segment widths of the keypoints on the unit interval (they sum to 1)."""
    u = (knots - knots[0]) / (knots[-1] - knots[0])
    return np.diff(u)


def segment_midpoints(knots: np.ndarray) -> np.ndarray:
    u = (knots - knots[0]) / (knots[-1] - knots[0])
    return (u[:-1] + u[1:]) / 2
