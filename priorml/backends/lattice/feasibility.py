"""Can each feature of a constrained lattice move at all? A linear programme over vertex values.

TensorFlow Lattice states trust and dominance cell by cell on the lattice's vertex
values. Some combinations of them are satisfiable only by lattices that are constant
along a feature (trapezoid trust of A by B with dominance of B over A is one; a chain
of dominances can make others). Training would then quietly return a model that ignores
the feature, and its certificate would pass. This module finds such features before
training, from the same constraint tuples that are handed to ``tfl.layers.Lattice``.

Every constraint is homogeneous in the vertex values (differences compared with zero
or with other differences), so the feasible set is a cone: a feature can move in some
feasible lattice exactly when a linear programme over values in [-1, 1] finds a
non-zero step along it. Output bounds scale the cone and are left out. The check is
exact for the constraints as transcribed from ``tensorflow_lattice``'s projections
(``lattice_lib._project_partial_*``); SciPy's HiGHS solves it (milliseconds for the
lattice sizes used here). Only features named by a pairwise constraint are examined,
one connected group of them at a time, on the sub-lattice the group spans: the
constraints apply slice by slice, so a movable sub-lattice extends to the whole
lattice by repeating it along the other features.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

_TOL = 1e-7


@dataclass(frozen=True)
class LatticeConstraints:
    """What one ``tfl.layers.Lattice`` is asked to enforce, in local feature indices."""

    sizes: list[int]
    monotonic: list[int]  # 1 = increasing along that axis, 0 = free
    edgeworth: list[tuple[int, int, int]] = field(default_factory=list)  # (main, condition, direction)
    trapezoid: list[tuple[int, int, int]] = field(default_factory=list)
    monotonic_dominance: list[tuple[int, int]] = field(default_factory=list)  # (dominant, weak)
    range_dominance: list[tuple[int, int]] = field(default_factory=list)

    def pairs(self) -> list[tuple[int, int]]:
        return ([(a, b) for a, b, _ in self.edgeworth + self.trapezoid]
                + list(self.monotonic_dominance) + list(self.range_dominance))


def flat_features(c: LatticeConstraints) -> list[int]:
    """Local indices of the features along which every feasible lattice is constant."""
    flat: list[int] = []
    for group in _components(c.pairs()):
        flat += _flat_in(c, group)
    return sorted(flat)


def _components(pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Features linked by pairwise constraints, one group per connected component.

    Each group can be examined on its own sub-lattice: a feasible lattice of one group, repeated
    along every other feature, satisfies the other groups' constraints too (all their steps are
    0), and every slice of a feasible full lattice is a feasible lattice of each group.
    """
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in sorted(parent):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _flat_in(c: LatticeConstraints, involved: list[int]) -> list[int]:
    sub = {g: k for k, g in enumerate(involved)}
    sizes = [c.sizes[g] for g in involved]
    rows = _Rows(sizes)
    for g in involved:
        if c.monotonic[g]:
            rows.increasing(sub[g])
    inside = lambda *gs: all(g in sub for g in gs)  # noqa: E731
    for main, cond, direction in c.edgeworth:
        if inside(main, cond):
            rows.edgeworth(sub[main], sub[cond], direction)
    for main, cond, direction in c.trapezoid:
        if inside(main, cond):
            rows.trapezoid(sub[main], sub[cond], direction)
    for dom, weak in c.monotonic_dominance:
        if inside(dom, weak):
            rows.monotonic_dominance(sub[dom], sub[weak])
    for dom, weak in c.range_dominance:
        if inside(dom, weak):
            rows.range_dominance(sub[dom], sub[weak])
    A = rows.matrix()
    return [g for g in involved if not _can_move(A, rows, sub[g], bool(c.monotonic[g]))]


class _Rows:
    """Inequalities ``r @ v <= 0`` over the values of a lattice with the given sizes."""

    def __init__(self, sizes: list[int]):
        self.sizes = sizes
        self.n = int(np.prod(sizes))
        self.strides = [int(np.prod(sizes[k + 1:])) for k in range(len(sizes))]
        self.rows: list[dict[int, float]] = []

    def at(self, coords) -> int:
        return int(sum(c * s for c, s in zip(coords, self.strides)))

    def vertices(self, fixed: dict[int, int] | None = None):
        ranges = [range(s) if fixed is None or k not in fixed else [fixed[k]] for k, s in enumerate(self.sizes)]
        return itertools.product(*ranges)

    def le(self, plus, minus) -> None:  # sum(v[plus]) <= sum(v[minus])
        r: dict[int, float] = {}
        for p in plus:
            r[self.at(p)] = r.get(self.at(p), 0.0) + 1.0
        for q in minus:
            r[self.at(q)] = r.get(self.at(q), 0.0) - 1.0
        r = {k: w for k, w in r.items() if w != 0.0}
        if r:
            self.rows.append(r)

    @staticmethod
    def moved(x, axis: int, to: int):
        x = list(x)
        x[axis] = to
        return tuple(x)

    def edges(self, axis: int):
        """(lower, upper) vertex pairs one step apart along ``axis``."""
        for x in self.vertices():
            if x[axis] + 1 < self.sizes[axis]:
                yield x, self.moved(x, axis, x[axis] + 1)

    def increasing(self, axis: int) -> None:
        for lo, hi in self.edges(axis):
            self.le([lo], [hi])

    def cells(self, a: int, b: int):
        """Lower corners of the 2-D cells spanned by axes a and b, in every slice."""
        for x in self.vertices():
            if x[a] + 1 < self.sizes[a] and x[b] + 1 < self.sizes[b]:
                yield x

    def edgeworth(self, main: int, cond: int, direction: int) -> None:
        for x in self.cells(main, cond):
            x10, x01 = self.moved(x, main, x[main] + 1), self.moved(x, cond, x[cond] + 1)
            x11 = self.moved(x10, cond, x[cond] + 1)
            # direction 1: v11 - v10 - v01 + v00 >= 0 (the main step grows with the condition)
            if direction > 0:
                self.le([x10, x01], [x11, x])
            else:
                self.le([x11, x], [x10, x01])

    def trapezoid(self, main: int, cond: int, direction: int) -> None:
        top = self.sizes[main] - 1
        for x in self.vertices({main: 0}):
            if x[cond] + 1 >= self.sizes[cond]:
                continue
            lo_j, lo_j1 = x, self.moved(x, cond, x[cond] + 1)
            hi_j, hi_j1 = self.moved(lo_j, main, top), self.moved(lo_j1, main, top)
            if direction > 0:  # the range along main widens as the condition grows
                self.le([lo_j1], [lo_j])
                self.le([hi_j], [hi_j1])
            else:
                self.le([lo_j], [lo_j1])
                self.le([hi_j1], [hi_j])

    def monotonic_dominance(self, dom: int, weak: int) -> None:
        for x in self.cells(dom, weak):
            xd, xw = self.moved(x, dom, x[dom] + 1), self.moved(x, weak, x[weak] + 1)
            xdw = self.moved(xd, weak, x[weak] + 1)
            # per triangle: the step along dom is at least the step along weak
            self.le([x, xdw], [xd, xd])
            self.le([xw, xw], [x, xdw])

    def range_dominance(self, dom: int, weak: int) -> None:
        d_top, w_top = self.sizes[dom] - 1, self.sizes[weak] - 1
        for x in self.vertices({dom: 0, weak: 0}):
            for i in range(self.sizes[dom]):
                for j in range(self.sizes[weak]):
                    at = lambda di, wj: self.moved(self.moved(x, dom, di), weak, wj)  # noqa: E731
                    # the range along weak at dom = i <= the range along dom at weak = j
                    self.le([at(i, w_top), at(0, j)], [at(i, 0), at(d_top, j)])

    def matrix(self):
        from scipy import sparse

        data, ri, ci = [], [], []
        for k, r in enumerate(self.rows):
            for col, w in r.items():
                ri.append(k)
                ci.append(col)
                data.append(w)
        return sparse.csr_matrix((data, (ri, ci)), shape=(max(len(self.rows), 1), self.n))


def _step_objective(rows: _Rows, axis: int, sign: float, edge=None) -> np.ndarray:
    c = np.zeros(rows.n)
    for lo, hi in ([edge] if edge is not None else rows.edges(axis)):
        c[rows.at(hi)] -= sign  # linprog minimises: maximise sign * (v[hi] - v[lo])
        c[rows.at(lo)] += sign
    return c


def _max_step(A, rows: _Rows, c: np.ndarray) -> float:
    from scipy.optimize import linprog

    res = linprog(c, A_ub=A, b_ub=np.zeros(A.shape[0]), bounds=(-1, 1), method="highs")
    if res.status != 0:  # 0 is always feasible; anything else is a solver problem, not a flat lattice
        return np.inf
    return -float(res.fun)


def _can_move(A, rows: _Rows, axis: int, monotone: bool) -> bool:
    # Increasing: every step is >= 0, so all are 0 exactly when their sum cannot be positive.
    if _max_step(A, rows, _step_objective(rows, axis, 1.0)) > _TOL:
        return True
    if monotone:
        return False
    if _max_step(A, rows, _step_objective(rows, axis, -1.0)) > _TOL:
        return True
    # A free axis could rise and fall with a zero total: try each step on its own.
    return any(_max_step(A, rows, _step_objective(rows, axis, s, edge)) > _TOL
               for edge in rows.edges(axis) for s in (1.0, -1.0))
