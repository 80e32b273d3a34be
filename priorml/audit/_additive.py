"""The additive model and the constraint cones behind :func:`priorml.check_assumptions` (private).

Model (linear predictor ``eta``; the mean for regression, the log-odds of
``classes_[1]`` for classification)::

    eta(x) = b0 + sum_j g_j(x_j) + sum_(trust a|b) h_ab(x_a, x_b)

* numeric ``g_j`` (``Block.basis``), on the feature's keypoints (those of
  :class:`priorml.spec.schema.Schema`, thinned when rows are scarce):

  - ``"step"`` (monotonic, unimodal or convex/concave declared): a staircase
    with *step* columns ``s_k(x) = 1[x > (t_k + t_(k+1)) / 2]`` (``d_k`` the
    change from the level of ``t_k``'s bin to that of ``t_(k+1)``'s), plus
    untested columns: a slope within each bin, centred at the bin's mean value,
    so that the levels stay the bin means;
  - ``"both"`` (unconstrained): *ramp* columns
    ``r_k(x) = clip((x - t_k) / (t_(k+1) - t_k), 0, 1)`` (a piecewise-linear
    curve, ``d_k`` its change across segment ``k``) and steps, on up to
    ``FREE_KNOTS`` quantiles of the data, only to adjust the other features'
    effects;
  - ``"ramp"``: the piecewise-linear curve alone (a feature whose staircase
    would have a single bin);

  at the keypoints a staircase equals the piecewise-linear curve with the same
  ``d``, so the constraint cones below read the same for every basis;
* categorical ``g_j``: one column per category present in the data;
* trust ``h_ab``: products of one function per feature on a coarse grid (at
  most 4 x 4 keypoints, a subset of the features' keypoints), chosen per
  feature (``Block.sides``): for a staircase feature with a convex/concave
  shape, ramps over the *bin means* of the grid's bins evaluated at the bin
  mean of ``x`` (constant within each bin, so the surface stays a staircase,
  and piecewise linear from bin to bin, so that the slopes between its levels
  change only at the grid, as a shape test needs); for any other staircase or
  unconstrained feature, steps at split points between the grid values that
  are bin splits of the feature; ramps on the grid otherwise. Coefficient
  ``m_ik`` is exactly the mixed difference of the fitted surface over grid cell
  ``(i, k)`` (the main effects add none).

Every constraint of a spec is then a *polyhedral cone* ``{theta : A theta_S >= 0}``
on a few coefficients ``S`` (a union of cones for a unimodal shape).
Fitting is penalised least squares or penalised logistic regression (Newton
steps) with a ridge on every coefficient but the intercept, so that the fit
exists when a segment or a category carries no information: a weak fixed one
(``RIDGE``) for least squares; for logistic regression the one of
``RIDGE_GRID`` with the lowest out-of-fold log-loss (:func:`choose_ridge`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

ROWS_PER_COEF = 5  # the keypoints are thinned so that there are at least this many rows per coefficient
FREE_KNOTS = 21  # keypoints of an unconstrained numeric feature (data quantiles; fewer when rows are scarce)
TRUST_GRID = 4  # keypoints per feature in a trust term's grid
RIDGE = {"regression": 1e-2, "classification": 5e-2}
#: ridges a classification check chooses from, by the out-of-fold log-loss of the unconstrained fit
#: (:func:`choose_ridge`): 0.05 is a prior sd of about 4.5 logits on each coefficient, 20 one of about 0.22
RIDGE_GRID = (0.05, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
_JITTER = 1e-10


# ---------------------------------------------------------------------- bases
def ramps(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """(n, K-1) ramp columns; ``ramps(x) @ d`` is the piecewise-linear curve with increments ``d``, 0 at ``knots[0]``."""
    x = np.asarray(x, dtype=float)[:, None]
    lo, hi = knots[:-1][None, :], knots[1:][None, :]
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


def bin_splits(knots: np.ndarray) -> np.ndarray:
    """The points halfway between neighbouring keypoints, where a staircase's bins split."""
    return (knots[:-1] + knots[1:]) / 2.0


def _above(x: np.ndarray, splits: np.ndarray) -> np.ndarray:
    """(n, len(splits)) step columns ``1[x > split_k]``."""
    return (np.asarray(x, dtype=float)[:, None] > splits[None, :]).astype(float)


def bin_of(x: np.ndarray, splits: np.ndarray) -> np.ndarray:
    """The bin of each value of ``x`` for a staircase split at ``splits`` (``x > splits[k]``: bin ``k + 1`` or above)."""
    return np.searchsorted(splits, np.asarray(x, dtype=float), side="left")


def steps(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """(n, K-1) step columns ``s_k(x) = 1[x > (t_k + t_(k+1)) / 2]``: ``steps(x) @ d`` is the staircase that is
    constant on the bin of each keypoint (bins split halfway between neighbouring keypoints), 0 on the bin of
    ``knots[0]``; ``d_k`` is the change from the level of ``t_k`` to that of ``t_(k+1)``. At the keypoints
    themselves it equals :func:`ramps`."""
    return _above(x, bin_splits(knots))


def _grid_splits(knots: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Split points between neighbouring values of a coarse ``grid`` (a subset of ``knots``), each one of the
    bin splits of ``knots``, so that a trust staircase changes only where its features' own staircases may."""
    pos = np.searchsorted(knots, grid)
    mids = bin_splits(knots)
    return np.array([mids[(i + j) // 2] for i, j in zip(pos[:-1], pos[1:])])


def subset_knots(knots: np.ndarray, k: int) -> np.ndarray:
    """At most ``k`` of the knots, evenly spread by index, always both ends."""
    knots = np.asarray(knots, dtype=float)
    if len(knots) <= k:
        return knots
    return knots[np.unique(np.linspace(0, len(knots) - 1, max(k, 2)).round().astype(int))]


def _side(blk: "Block", grid: np.ndarray, curved: bool) -> str:
    """The function along a trust term's feature (see :attr:`Block.sides`)."""
    if blk.basis == "step" and len(grid) >= 2:
        return "centre" if curved else "step"
    return "step" if blk.basis == "both" and len(grid) >= 2 else "ramp"


@dataclass
class Block:
    """The coefficients of one term of the additive model."""

    name: str  # feature name, or "a|b" for a trust term
    kind: str  # numeric | categorical | trust
    cols: np.ndarray  # indices in theta
    feature: int = -1  # column of the encoded X (numeric/categorical)
    knots: np.ndarray | None = None  # numeric: keypoints used
    spec_knots: int = 0  # numeric: keypoints in the schema before thinning
    codes: list[int] = field(default_factory=list)  # categorical: bucket codes with a column
    labels: list[Any] = field(default_factory=list)  # categorical: labels of those codes
    absent: list[Any] = field(default_factory=list)  # categorical: labels with no row
    pair: tuple[int, int] = (-1, -1)  # trust: encoded columns of (feature, by)
    grids: tuple[np.ndarray, np.ndarray] | None = None  # trust: coarse knots of (feature, by)
    n_unique: int = 0  # observed distinct values (numeric)
    basis: str = "ramp"  # numeric: "ramp", "step" or "both" (see Design)
    extra: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # numeric: untested columns
    centres: np.ndarray | None = None  # numeric "step": mean of the training values in each bin
    bins: np.ndarray | None = None  # numeric "step": the split points between bins

    sides: tuple[str, str] = ("ramp", "ramp")  # trust: function along (feature, by): "ramp", "step" or "centre"
    splits: tuple[Any, Any] = (None, None)  # trust: split points of a "step" side
    levels: tuple[Any, Any] = (None, None)  # trust: (bin splits, bin means, bin means of the grid) of a "centre" side

    def axis(self, x: np.ndarray, side: int) -> np.ndarray:
        """A trust term's columns along one of its features (``side`` 0: feature, 1: by) at values ``x``:
        ramps on its grid, steps at its split points, or ramps over the grid's bin means at the bin mean of ``x``."""
        kind = self.sides[side]
        if kind == "step":
            return _above(x, self.splits[side])
        if kind == "centre":
            bins, centres, grid = self.levels[side]
            return ramps(centres[bin_of(x, bins)], grid)
        return ramps(x, self.grids[side])

    @property
    def all_cols(self) -> np.ndarray:
        return np.concatenate([self.cols, self.extra]).astype(int)

    def columns(self, x: np.ndarray) -> np.ndarray:
        """The block's columns (``cols`` then ``extra``) at values ``x`` of its (numeric) feature."""
        x = np.asarray(x, dtype=float)
        if self.basis == "ramp":
            return ramps(x, self.knots)
        if self.basis == "both":
            return np.hstack([ramps(x, self.knots), steps(x, self.knots)])
        s = _above(x, self.bins)
        k = bin_of(x, self.bins)
        unit = (self.knots[-1] - self.knots[0]) / max(len(self.knots) - 1, 1)
        slopes = np.zeros((len(x), len(self.knots)))
        slopes[np.arange(len(x)), k] = (x - self.centres[k]) / unit
        return np.hstack([s, slopes])

    @property
    def widths(self) -> np.ndarray:
        """Segment widths on the unit interval (numeric): between neighbouring keypoints, or, for a
        staircase, between the mean values of neighbouring bins (the slope between two bin levels)."""
        if self.basis == "step" and self.centres is not None:
            return np.maximum(np.diff(self.centres), 1e-12) / (self.knots[-1] - self.knots[0])
        return np.diff(self.knots) / (self.knots[-1] - self.knots[0])


class Design:
    """Columns of the additive model for a spec, fitted on encoded training data."""

    def __init__(self, spec, schema, Xenc: np.ndarray, missing: dict[str, np.ndarray] | None = None):
        n = Xenc.shape[0]
        # Numeric features with imputed rows (the spec's ``missing`` option): those rows get a level of their
        # own (an untested indicator column) and stay out of the feature's bins and trust surfaces, so that a
        # fill value (a median, a minimum, a number) cannot make a true shape look violated.
        self.missing = {k: np.asarray(v, dtype=bool) for k, v in (missing or {}).items()
                        if np.any(v) and not np.all(v)}
        self.missing_cols: dict[str, int] = {}
        self.names = list(spec.feature_names)
        self.blocks: dict[str, Block] = {}
        self.trusts: list[Block] = []
        shaped = {f.name for f in spec.features if getattr(f, "shape", None) or getattr(f, "unimodal", None)}
        # Piecewise constant where monotonicity, unimodality or a shape is declared: the least-squares levels of
        # a staircase are bin means, and bin means of a monotone (unimodal) effect are monotone (unimodal),
        # so a jump or a steep rise between keypoints cannot make a true constraint look violated, as the
        # over- and undershoot of a piecewise-linear fit around a jump does.
        # A convex/concave shape, and a dominance, are checked on the slopes between neighbouring levels (per
        # unit of the distance between the bins' mean values): a sharp bend then no longer shows as the dip a
        # piecewise-linear fit makes before it.
        # A trust pair is a staircase too (a surface constant within the bins of its two features): cell means of
        # an effect whose slope grows with the partner keep non-negative mixed differences (see Block.sides).
        curved = {f.name for f in spec.features if getattr(f, "shape", None)}
        stepped = {f.name for f in spec.features
                   if getattr(f, "monotonic", None) or getattr(f, "unimodal", None) or getattr(f, "shape", None)}
        # A staircase alone would leave the rise within each bin in the residuals, where a correlated feature
        # could pick it up; so each bin also gets a slope through the bin's mean (which leaves the level of
        # the bin at the bin mean). An unconstrained feature, never tested, gets both ramps and steps, so that
        # it is adjusted for whether its effect is smooth or jumps.
        free = {f.name for f, fs in zip(spec.features, schema.features)
                if fs.kind == "numeric" and f.name not in stepped}
        n_cat = 0
        for j, fs in enumerate(schema.features):
            if fs.kind == "categorical":
                n_cat += len(np.unique(Xenc[:, j]))
        n_trust = len(spec.trusts) * (TRUST_GRID - 1) ** 2
        numeric = [j for j, fs in enumerate(schema.features) if fs.kind == "numeric"]
        budget = n / ROWS_PER_COEF - 1 - n_cat - n_trust - len(self.missing)
        units = sum(2 if spec.features[j].name in stepped | free else 1 for j in numeric)
        per = max(1, int(budget // max(units, 1)))  # segments per numeric feature (about twice the columns)
        p = 1
        for j, (f, fs) in enumerate(zip(spec.features, schema.features)):
            col = Xenc[:, j]
            if fs.kind == "numeric" and f.name in self.missing:
                col = col[~self.missing[f.name]]  # the observed values
            if fs.kind == "numeric":
                kp = np.asarray(fs.keypoints, dtype=float)
                k = per + 1 if f.name not in shaped else max(per + 1, 3)
                knots = subset_knots(kp, k)
                if f.name in free:  # never tested, only adjusted for: as finely as the rows allow
                    dense = np.unique(np.quantile(col, np.linspace(0, 1, max(2, min(per + 1, FREE_KNOTS)))))
                    knots = dense if len(dense) >= 2 else knots  # a constant column keeps the spec's keypoints
                cols = np.arange(p, p + len(knots) - 1)
                blk = Block(f.name, "numeric", cols, j, knots, len(kp), n_unique=int(len(np.unique(col))))
                if f.name in stepped and len(knots) >= 2:
                    blk.basis, blk.bins = "step", bin_splits(knots)
                    which = bin_of(col, blk.bins)
                    blk.centres = np.array([col[which == b].mean() if np.any(which == b) else knots[b]
                                            for b in range(len(knots))])
                    blk.extra = np.arange(p + len(cols), p + len(cols) + len(knots))
                elif f.name in free and len(knots) >= 2:
                    blk.basis, blk.extra = "both", np.arange(p + len(cols), p + 2 * len(cols))
                self.blocks[f.name] = blk
                p += len(blk.extra)
                if f.name in self.missing:
                    self.missing_cols[f.name] = p + len(cols)
                    p += 1
            else:
                present = sorted(int(c) for c in np.unique(col))
                labels_all = list(fs.categories) + (["(missing)"] if fs.missing_bucket else [])
                cols = np.arange(p, p + len(present))
                self.blocks[f.name] = Block(f.name, "categorical", cols, j, codes=present,
                                            labels=[labels_all[c] for c in present],
                                            absent=[c for i, c in enumerate(labels_all) if i not in present])
            p += len(cols)
        idx = {n_: i for i, n_ in enumerate(self.names)}
        for t in spec.trusts:
            a, b = self.blocks[t.feature], self.blocks[t.by]
            ga, gb = subset_knots(a.knots, TRUST_GRID), subset_knots(b.knots, TRUST_GRID)
            m = (len(ga) - 1) * (len(gb) - 1)
            blk = Block(f"{t.feature}|{t.by}", "trust", np.arange(p, p + m), pair=(idx[t.feature], idx[t.by]),
                        grids=(ga, gb))
            blk.sides = tuple(_side(x, g, x.name in curved) for x, g in ((a, ga), (b, gb)))
            blk.splits = tuple(_grid_splits(x.knots, g) if k == "step" else None
                               for (x, g), k in zip(((a, ga), (b, gb)), blk.sides))
            blk.levels = tuple((x.bins, x.centres, x.centres[np.searchsorted(x.knots, g)]) if k == "centre" else None
                               for (x, g), k in zip(((a, ga), (b, gb)), blk.sides))
            self.trusts.append(blk)
            p += m
        self.n_coef = p
        self.ridge_mask = np.ones(p)
        self.ridge_mask[0] = 0.0
        self.train = self.matrix(Xenc, missing)  # the design matrix of the training rows
        self._xenc = Xenc
        self._means = self.train.mean(axis=0)
        self._trust_means = {
            blk.name: (blk.axis(Xenc[:, blk.pair[0]], 0).mean(axis=0),
                       blk.axis(Xenc[:, blk.pair[1]], 1).mean(axis=0)) for blk in self.trusts}

    def trust_block(self, feature: str, by: str) -> Block:
        return next(b for b in self.trusts if b.name == f"{feature}|{by}")

    def matrix(self, Xenc: np.ndarray, missing: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Design matrix (n, n_coef), column 0 the intercept; ``missing``: the rows where each numeric
        feature was imputed (for those features that have a missing-value column)."""
        n = Xenc.shape[0]
        B = np.zeros((n, self.n_coef))
        B[:, 0] = 1.0
        for blk in self.blocks.values():
            col = Xenc[:, blk.feature]
            if blk.kind == "numeric":
                B[:, blk.all_cols] = blk.columns(col)
            else:
                codes = col.astype(int)
                for c, k in zip(blk.codes, blk.cols):
                    B[:, k] = codes == c
        for blk in self.trusts:
            ra = blk.axis(Xenc[:, blk.pair[0]], 0)
            rb = blk.axis(Xenc[:, blk.pair[1]], 1)
            B[:, blk.cols] = (ra[:, :, None] * rb[:, None, :]).reshape(n, -1)
        for name, k in self.missing_cols.items():
            rows = _missing_rows(missing, name, n)
            B[:, k] = rows
            for blk in self.trusts:  # an imputed value is no point of the surface
                if name in blk.name.split("|"):
                    B[np.ix_(rows, blk.cols)] = 0.0
        return B

    # ------------------------------------------------------------------ linear maps of theta
    def partners(self, name: str) -> list[tuple[Block, str, int]]:
        """The trust terms that involve numeric feature ``name``: (block, partner name, side of ``name``)."""
        out = []
        for t in self.trusts:
            a, b = t.name.split("|")
            if name == a:
                out.append((t, b, 0))
            elif name == b:
                out.append((t, a, 1))
        return out

    def increment_map(self, name: str, at: dict[str, float] | None = None) -> np.ndarray:
        """(K-1, n_coef): the changes of the prediction between neighbouring keypoints of numeric
        feature ``name``, with each trust partner at the value ``at[partner]`` (default: its lowest
        grid value, where the trust term vanishes)."""
        blk = self.blocks[name]
        k1 = len(blk.knots) - 1
        M = np.zeros((k1, self.n_coef))
        M[np.arange(k1), blk.cols] = 1.0
        if blk.basis == "both":  # at the keypoints the steps add to the ramps
            M[np.arange(k1), blk.extra] = 1.0
        for t, partner, side in self.partners(name):
            value = (at or {}).get(partner)
            if value is None:
                continue
            own = np.diff(t.axis(blk.knots, side), axis=0)  # (K-1, segments of name's grid)
            other = t.axis(np.array([value]), 1 - side)[0]  # (segments of partner's grid,)
            if side == 0:
                M[:, t.cols] += (own[:, :, None] * other[None, None, :]).reshape(k1, -1)
            else:
                M[:, t.cols] += (other[None, :, None] * own[:, None, :]).reshape(k1, -1)
        return M

    def cell_increment_map(self, t: Block, at: float) -> np.ndarray:
        """(cells - 1, n_coef): for a trust term ``t`` whose surface is a staircase along its ``by`` feature
        (side ``"step"``), the changes of the prediction between neighbouring cells of ``by`` (the mean over
        the training rows in each cell: ``by``'s own effect and the surface), with ``t``'s feature at value
        ``at``. Within a cell the surface is constant, so there ``by``'s slope is the one shared by every
        value of the feature (an average), which says nothing about the slope at one value of the feature;
        the means of the cells do (cell means of an effect that falls along ``by`` fall)."""
        blk = self.blocks[t.name.split("|")[1]]
        x = self._xenc[:, blk.feature]
        seen = ~self.missing.get(blk.name, np.zeros(len(x), dtype=bool))
        cell = bin_of(x[seen], t.splits[1])
        ra = t.axis(np.array([at], dtype=float), 0)[0]
        rows_seen = np.flatnonzero(seen)
        levels = []
        for c in range(len(t.splits[1]) + 1):
            inside = rows_seen[cell == c]
            if not len(inside):  # an empty cell has no mean (its surface level is not identified)
                continue
            level = np.zeros(self.n_coef)
            level[blk.all_cols] = self.train[np.ix_(inside, blk.all_cols)].mean(axis=0)
            rb = (np.arange(len(t.splits[1])) < c).astype(float)
            level[t.cols] = (ra[:, None] * rb[None, :]).ravel()
            levels.append(level)
        return np.diff(np.array(levels), axis=0) if len(levels) > 1 else np.zeros((0, self.n_coef))

    def increment_maps(self, name: str) -> list[np.ndarray]:
        """:meth:`increment_map` at every combination of the trust partners' grid values (the
        trust surfaces are constant or interpolate between grid values, so these cover every value of the partners)."""
        import itertools

        parts = self.partners(name)
        grids = [t.grids[1 - side] for t, _, side in parts]
        names = [partner for _, partner, _ in parts]
        return [self.increment_map(name, dict(zip(names, combo))) for combo in itertools.product(*grids)]

    def curve_weights(self, name: str) -> tuple[list[Any], np.ndarray]:
        """Grid values and weights ``C`` (len(grid), n_coef): ``C @ theta`` is the feature's
        partial dependence (any trust term averaged over the data), centred to mean 0 over the rows."""
        blk = self.blocks[name]
        if blk.kind == "categorical":
            grid = list(blk.labels)
            C = np.zeros((len(grid), self.n_coef))
            C[np.arange(len(grid)), blk.cols] = 1.0
            center = np.zeros(self.n_coef)
            center[blk.cols] = self._means[blk.cols]
            return grid, C - center[None, :]
        grid = list(blk.knots)
        C = np.zeros((len(grid), self.n_coef))
        center = np.zeros(self.n_coef)
        # At keypoint t_i: the curve (ramps, both) or the level of t_i's bin, its mean (step).
        used = blk.all_cols if blk.basis == "both" else blk.cols
        C[:, used] = blk.columns(blk.knots)[:, :len(used)]
        center[used] = self._means[used]
        for t, partner, side in self.partners(name):
            means = self._trust_means[t.name]
            own = t.axis(blk.knots, side)
            other = means[1 - side]
            if side == 0:
                C[:, t.cols] = (own[:, :, None] * other[None, None, :]).reshape(len(grid), -1)
            else:
                C[:, t.cols] = (other[None, :, None] * own[:, None, :]).reshape(len(grid), -1)
            center[t.cols] = (means[0][:, None] * means[1][None, :]).ravel()
        return grid, C - center[None, :]


def _missing_rows(missing: dict[str, np.ndarray] | None, name: str, n: int) -> np.ndarray:
    rows = (missing or {}).get(name)
    if rows is None or len(rows) != n:
        raise ValueError(f"the design has a missing-value column for {name!r}: pass the rows where it is missing")
    return np.asarray(rows, dtype=bool)


# ---------------------------------------------------------------------- fitting
@dataclass
class Fit:
    """A fitted additive model: coefficients and their (approximate) covariance."""

    theta: np.ndarray
    hinv: np.ndarray  # inverse of the penalised Hessian
    scale: float  # noise variance (regression) or 1
    df_resid: float  # residual degrees of freedom (regression) or inf
    vcov: np.ndarray | None = None  # the covariance, where it is not scale * hinv

    @property
    def cov(self) -> np.ndarray:
        return self.vcov if self.vcov is not None else self.scale * self.hinv


def fit_additive(B: np.ndarray, y: np.ndarray, task: str, ridge_mask: np.ndarray, *, with_df: bool = True,
                 ridge: float | None = None, start: np.ndarray | None = None) -> Fit:
    """Penalised least squares (regression) or penalised logistic regression (y in {0, 1}); ``ridge``
    (default ``RIDGE[task]``) times ``ridge_mask`` is the penalty; ``start``: logistic starting values."""
    lam = (RIDGE[task] if ridge is None else ridge) * ridge_mask
    if task == "regression":
        G = B.T @ B
        H = G + np.diag(lam)
        hinv = _inv_spd(H)
        theta = hinv @ (B.T @ y)
        if not with_df:
            return Fit(theta, hinv, 1.0, np.inf)
        edf = float(np.sum(hinv * G))  # trace(H^-1 G)
        df = max(len(y) - edf, 0.0)
        rss = float(np.sum((y - B @ theta) ** 2))
        scale = rss / df if df > 0 else np.nan
        return Fit(theta, hinv, max(scale, 1e-300) if np.isfinite(scale) else scale, df)
    if start is not None:
        theta = np.array(start, dtype=float)
    else:
        theta = np.zeros(B.shape[1])
        ybar = float(np.clip(np.mean(y), 1e-3, 1 - 1e-3))
        theta[0] = np.log(ybar / (1 - ybar))

    def objective(th):
        eta = B @ th
        return float(np.sum(np.logaddexp(0.0, eta) - y * eta) + 0.5 * np.sum(lam * th ** 2))

    obj = objective(theta)
    for _ in range(100):
        eta = B @ theta
        p = _expit(eta)
        w = np.maximum(p * (1 - p), 1e-12)
        H = (B * w[:, None]).T @ B + np.diag(lam)
        grad = B.T @ (y - p) - lam * theta
        step = np.linalg.solve(H + _JITTER * np.eye(len(theta)), grad)
        t = 1.0
        while True:
            new = theta + t * step
            new_obj = objective(new)
            if new_obj <= obj + 1e-12 or t < 1e-6:
                break
            t /= 2
        theta, converged = new, abs(obj - new_obj) < 1e-10 * (1 + abs(obj))
        obj = new_obj
        if converged or np.max(np.abs(t * step)) < 1e-9:
            break
    p = _expit(B @ theta)
    w = np.maximum(p * (1 - p), 1e-12)
    F = (B * w[:, None]).T @ B
    hinv = _inv_spd(F + np.diag(lam))
    # The sampling covariance of a penalised estimate is H^-1 F H^-1 (sandwich), not H^-1, which overstates it
    # as much as the ridge outweighs the data (with the ridges chosen for classification the tests would
    # reject almost never: 0 of 200 at the 5 % level at the boundary).
    return Fit(theta, hinv, 1.0, np.inf, vcov=hinv @ F @ hinv)


def choose_ridge(B: np.ndarray, y: np.ndarray, ridge_mask: np.ndarray, folds: list) -> tuple[float, dict[float, float]]:
    """The ridge of :data:`RIDGE_GRID` with the lowest out-of-fold log-loss of the unconstrained logistic fit
    on ``folds`` (rows no fold leaves out are skipped; ties go to the stronger ridge), and the loss of each.

    A fixed weak ridge lets a staircase with few rows per bin overfit (log-odds of +-10), and a reference
    that overfits makes every constraint look free to impose; how much shrinkage a data set needs varies
    (a separable one wants little), so it is chosen on the folds that then measure the cost."""
    losses = {}
    starts: list[np.ndarray | None] = [None] * len(folds)
    for lam in sorted(RIDGE_GRID, reverse=True):  # strong to weak, each fit starting from the previous one
        total, count = 0.0, 0
        for i, (train, test) in enumerate(folds):
            fit = fit_additive(B[train], y[train], "classification", ridge_mask, with_df=False, ridge=lam,
                               start=starts[i])
            starts[i] = fit.theta
            eta = B[test] @ fit.theta
            total += float(np.sum(np.logaddexp(0.0, eta) - y[test] * eta))
            count += len(test)
        losses[lam] = total / count if count else float("nan")
    finite = {k: v for k, v in losses.items() if np.isfinite(v)}
    if not finite:
        return RIDGE["classification"], losses
    best = min(finite.values())
    chosen = max(k for k, v in finite.items() if v <= best)  # ties: the stronger ridge
    return chosen, dict(sorted(losses.items()))


def _expit(eta: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * eta))


def _inv_spd(H: np.ndarray) -> np.ndarray:
    from scipy.linalg import cho_factor, cho_solve

    n = H.shape[0]
    try:
        c = cho_factor(H, lower=True)
    except np.linalg.LinAlgError:
        c = cho_factor(H + _JITTER * max(1.0, float(np.trace(H)) / n) * np.eye(n), lower=True)
    inv = cho_solve(c, np.eye(n))
    return (inv + inv.T) / 2


def cholesky(S: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor of a covariance block, with a tiny jitter when needed."""
    S = (S + S.T) / 2
    scale = max(float(np.max(np.diag(S))), 1e-300)
    for jitter in (0.0, 1e-12, 1e-10, 1e-8, 1e-6):
        try:
            return np.linalg.cholesky(S + jitter * scale * np.eye(len(S)))
        except np.linalg.LinAlgError:
            continue
    w, V = np.linalg.eigh(S)
    return V @ np.diag(np.sqrt(np.clip(w, 1e-12 * scale, None)))


# ---------------------------------------------------------------------- cones and projections
@dataclass
class Cone:
    """``{theta : A @ theta[idx] >= 0}``."""

    idx: np.ndarray
    A: np.ndarray

    @classmethod
    def from_rows(cls, rows: np.ndarray) -> "Cone":
        """A cone from constraint rows over every coefficient (only the columns used are kept)."""
        rows = np.atleast_2d(np.asarray(rows, dtype=float))
        idx = np.flatnonzero(np.any(np.abs(rows) > 1e-14, axis=0))
        return cls(idx, rows[:, idx])


def _make_nnls():
    """scipy's NNLS kernel without the argument checks of the public wrapper (called thousands of times),
    falling back to the public function if the private one is missing or behaves differently."""
    from scipy.optimize import nnls

    try:
        from scipy.optimize._slsqplib import nnls as kernel

        x, _, info = kernel(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, -1.0]), 6)
        if info == 1 and np.allclose(x, [1.0, 0.0]):
            def fast(A, b):
                x, _, info = kernel(A, b, 5 * A.shape[1])
                return x if info != 3 else nnls(A, b, maxiter=50 * A.shape[1])[0]
            return fast
    except Exception:  # pragma: no cover - depends on the scipy version
        pass
    return lambda A, b: nnls(A, b, maxiter=50 * A.shape[1])[0]


_nnls = None


def project_cone(G: np.ndarray, z: np.ndarray, GT: np.ndarray | None = None) -> tuple[np.ndarray, float, np.ndarray]:
    """Euclidean projection of ``z`` onto the cone ``{v : G v >= 0}``.

    Through the dual problem ``min_(lam >= 0) ||G' lam + z||^2`` (non-negative
    least squares): the projection is ``z + G' lam``. Returns the projection,
    the squared distance and the active constraints (positive multipliers).
    """
    global _nnls
    if _nnls is None:
        _nnls = _make_nnls()
    if np.all(G @ z >= 0):
        return z.copy(), 0.0, np.zeros(G.shape[0], dtype=bool)
    lam = _nnls(np.ascontiguousarray(G.T) if GT is None else GT, -z)
    step = G.T @ lam
    return z + step, float(step @ step), lam > 0


class Whitened:
    """A cone seen in coordinates where the estimate's covariance is the identity.

    With ``Cov(theta_S) = L L'`` and ``x = L^-1 theta_S``, the distance in the
    metric ``Cov^-1`` from ``theta_S`` to the cone is the Euclidean distance
    from ``x`` to ``{v : (A L) v >= 0}``.
    """

    def __init__(self, cone: Cone, cov: np.ndarray):
        self.cone = cone
        self.L = cholesky(cov[np.ix_(cone.idx, cone.idx)])
        G = cone.A @ self.L
        norms = np.linalg.norm(G, axis=1)
        self.G = G / np.where(norms > 0, norms, 1.0)[:, None]
        self.rank = int(np.linalg.matrix_rank(self.G))
        self._row_proj = np.linalg.pinv(self.G) @ self.G  # projector onto the row space of G

    def whiten(self, theta_S: np.ndarray) -> np.ndarray:
        from scipy.linalg import solve_triangular

        return solve_triangular(self.L, theta_S, lower=True)

    def distance(self, theta_S: np.ndarray) -> tuple[float, float, np.ndarray]:
        """(distance^2 to the cone, distance^2 to its lineality space, projection in original coordinates)."""
        x = self.whiten(theta_S)
        proj, d, _ = project_cone(self.G, x)
        lin = float(x @ self._row_proj @ x)
        return d, lin, self.L @ proj

    def weights(self, draws: np.ndarray) -> np.ndarray:
        """Chi-bar-squared weights ``w[k]``: the share of standard normal draws whose projection
        onto the polar cone lies on a face of dimension ``k`` (the rank of the active rows)."""
        global _nnls
        if _nnls is None:
            _nnls = _make_nnls()
        counts = np.zeros(self.rank + 1)
        feasible = np.all(draws @ self.G.T >= 0, axis=1)
        counts[0] += feasible.sum()
        GT = np.ascontiguousarray(self.G.T)
        solve = _nnls
        for z in -draws[~feasible]:
            # Lawson-Hanson keeps the rows with a positive multiplier linearly independent, so their
            # number is the dimension of the face (almost surely, for a continuous draw).
            k = int(np.count_nonzero(solve(GT, z) > 0))
            counts[min(k, self.rank)] += 1
        return counts / len(draws)


def chibar_sf(stat: float, weights: np.ndarray, df_resid: float, *, reverse: bool = False) -> float:
    """P(T >= stat) for ``T ~ sum_k w_k chi2_k`` (``k F(k, df_resid)`` when the noise variance was estimated).

    ``reverse``: the weights of the complementary statistic (``w_(rank - k)``), for the test of the
    cone's lineality space against the cone.
    """
    from scipy import stats

    w = weights[::-1] if reverse else weights
    if not np.isfinite(stat):
        return float("nan")
    if stat <= 1e-9:
        return 1.0
    total = 0.0
    for k, wk in enumerate(w):
        if k == 0 or wk == 0:
            continue
        if np.isfinite(df_resid):
            total += wk * stats.f.sf(stat / k, k, df_resid)
        else:
            total += wk * stats.chi2.sf(stat, k)
    return float(min(max(total, 0.0), 1.0))


def project_full(theta: np.ndarray, hinv: np.ndarray, cones: list[Cone]) -> tuple[np.ndarray, float]:
    """The constrained fit closest to ``theta`` in the Hessian metric, over a union of cones.

    Exact for least squares (the penalised loss is quadratic); a second-order
    (one Newton step) approximation for logistic regression. Returns the new
    coefficients and the squared distance.
    """
    from scipy.linalg import solve_triangular

    best, best_d = theta, np.inf
    for cone in cones:
        w = Whitened(cone, hinv)
        x = w.whiten(theta[cone.idx])
        proj, d, _ = project_cone(w.G, x)
        if d < best_d:
            shift = solve_triangular(w.L.T, proj - x, lower=False)  # (H^-1_SS)^-1 (theta*_S - theta_S)
            best, best_d = theta + hinv[:, cone.idx] @ shift, d
    return best, best_d
