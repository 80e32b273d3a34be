"""Assumption checks: what do the data say about each constraint of a spec?

:func:`check_assumptions` reports, for every declared constraint, whether the
data *support* it, *contradict* it, or carry *no evidence* either way, with a
p-value, the cross-validated cost of imposing it and a sentence with numbers.

Method
------
**One joint model.** The checks are made on a single additive model fitted to
all features at once (see :mod:`priorml.audit._additive`), on the spec's own
keypoints (those of :class:`~priorml.spec.schema.Schema`, thinned evenly, both
ends kept, so that there are at least 5 rows per coefficient):

* a feature declared monotonic, unimodal or convex/concave gets a
  *staircase*, one level per keypoint's bin (bins split halfway between
  neighbouring keypoints), plus a slope inside each bin through the bin's mean.
  Its levels are then the bin means of the effect, and bin means of a monotone
  (unimodal) effect are monotone (unimodal) whatever the effect does between
  keypoints: a jump or a steep rise cannot make a true constraint look
  violated, as the over- and undershoot of a piecewise-linear fit around a jump
  did. The constraint is tested on the levels; a shape, and a dominance, on
  the slopes between neighbouring levels, per unit of the distance between the
  bins' mean values (exact for a straight line; for a convex curve the bins'
  differing spreads bend the levels a little, far less than the dip a
  piecewise-linear fit makes before a sharp bend);
* an unconstrained numeric feature, never tested, only adjusted for, gets both
  a piecewise-linear curve and a staircase on up to 21 quantiles of its values,
  so that a correlated constrained feature cannot pick up what a coarser curve
  of it would leave in the residuals;
* for a numeric feature with missing values (filled by the spec's ``missing``
  option), one untested level for the rows where it is missing; those rows
  stay out of its staircase, its bin means and its trust surfaces, so that a
  fill value (a minimum, say) cannot make a true shape look violated;
* one level per category present in the data, and, for every trust
  interaction, a surface on a grid of at most 4 x 4 of the two features'
  keypoints, constant within the bins of both features (cell means of an
  effect whose slope grows with the partner keep non-negative mixed
  differences): along a feature with a shape, piecewise linear from the mean
  of one grid bin to the next (so that its slopes change only on the grid);
  along any other feature, a step at a bin split between neighbouring grid
  values.

Regression fits penalised least squares; classification a penalised logistic regression on the log-odds of
``classes_[1]`` (the scale on which priorml states shapes). A ridge on every
coefficient except the intercept keeps the fit defined when a segment carries
no information: for regression a weak fixed one (0.01, in units of one row's
information); for classification the one of 0.05, 0.2, 0.5, 1, 2, 5, 10, 20
with the lowest out-of-fold log-loss of the unconstrained fit on the folds of
the cost (``method["ridge"]``, with each candidate's loss). A fixed weak ridge
let a logistic staircase with few rows per bin overfit (log-odds of +-10), and
against a reference that overfits every constraint looks free to impose, so a
clear violation was not called a contradiction. The tests use the sampling
covariance of the penalised estimate, ``H^-1 F H^-1`` (``F`` the information,
``H = F + ridge``), for classification: ``H^-1`` alone overstates it as much as
the ridge outweighs the data. At the boundary of a monotone constraint (no
effect, 600 simulated data sets of 150 rows) 1.5 / 5.8 / 10.7 / 20.3 % of the
p-values fall below 0.01 / 0.05 / 0.1 / 0.2 (with ``H^-1``: 0 % below 0.05). Because the effects are estimated *jointly*, a feature is judged
by its effect *adjusted for the others*: a feature that rises with the target
only because it is correlated with another one is not mistaken for an
increasing effect (a one-feature-at-a-time check is).

**Constraints as cones.** In this model every constraint is a set of linear
inequalities ``A theta_S >= 0`` on a few coefficients ``S``:

=====================  ==================================================================
monotonic              every increment between neighbouring levels has the declared sign
convex / concave       the slopes between neighbouring levels increase / decrease
unimodal               a union of cones, one per keypoint at which the peak (valley) may sit
order                  ``f(b) - f(a) >= 0`` for each declared pair (categories seen in the data)
trust, edgeworth       every mixed difference of the trust surface on its grid has the sign
                       ``monotonic(feature) x direction``
trust, trapezoid       along ``by``, the prediction at the upper end of ``feature`` rises and at
                       its lower end falls (``direction`` positive; reversed when negative); where
                       the surface is constant within cells of ``by``, between the means of those
                       cells (inside a cell the slope of ``by`` is shared by every value of
                       ``feature``, an average that says nothing about one end)
dominance, monotonic   every slope of ``feature`` per unit of its (keypoint) range is at least
                       every slope of ``over`` per unit of its range, in their common direction
dominance, range       the total change of ``feature`` over its range (the change between its
                       extreme levels per unit of the distance between their bins' means,
                       times the range) is at least that of ``over``
=====================  ==================================================================

A feature in a trust pair is checked at every value of its partner on the
trust grid (between grid values the surface interpolates, so this covers every
value), and
dominance compares the two features' partial dependence (any trust surface
averaged over the data). Each row tests its constraint alone: the other
constraints are not imposed.

**p_value (null: the constraint holds).** The statistic is the distance from
the unconstrained estimate to the cone, ``D = min (theta_S - t)' V^-1
(theta_S - t)`` over the cone, with ``V`` the estimate's covariance (the
inverse penalised Hessian, times the residual variance for regression). For
least squares ``D`` is the increase of the residual sum of squares when the
constraint is imposed, in units of the noise variance: a likelihood-ratio
statistic. Its null distribution at the least favourable point of the
constraint (all inequalities active) is chi-bar-squared,
``P(D >= d) = sum_k w_k P(chi2_k >= d)`` (Silvapulle and Sen, *Constrained
Statistical Inference*, 2005, ch. 3), with ``k F(k, n - edf)`` in place of
``chi2_k`` for regression because the noise variance is estimated. The weights
``w_k`` are the probabilities that the projection of a standard normal vector
onto the polar cone lies on a face of dimension ``k``; they are estimated from
``n_bootstrap`` Monte Carlo draws. This test is conservative where the
constraint holds with room to spare. A unimodal shape is a union of cones:
its p-value is the largest of the per-cone p-values (an intersection-union
test, valid without correction).

**p_support (null: the boundary of the constraint).** The opposite one-sided
test: the lineality space of the cone (a flat effect for monotonicity, a
straight line for a shape, equal levels for an order, no interaction for
trust, equal slopes or ranges for dominance) against the cone, with the
statistic ``distance to the boundary - distance to the cone`` and the
reversed chi-bar-squared weights. For a unimodal shape, support means that
both monotone directions are rejected (the larger of their two p-values).

**cost.** ``cv``-fold cross-validation of the additive model with and without
the constraint (the constrained fit is the projection of the unconstrained one
in the metric of its penalised Hessian: exact for least squares, one Newton
step for logistic regression); ``cost`` is the relative change of the
out-of-fold loss (mean squared error, or log-loss) when the constraint is
imposed, ``cost_z`` the paired z-statistic of the per-row loss differences.
Output bounds are imposed by clipping the out-of-fold predictions.

**Verdict.** p-values are adjusted with Holm's method across the testable
constraints of the spec (``p_adjusted``, ``p_support_adjusted``; one family
for each kind of claim). A constraint is

* ``contradicted`` when ``p_adjusted < alpha`` *and* imposing it costs
  cross-validated loss beyond noise: more than one standard error of the
  paired loss differences (``cost_z > 1``, the one-standard-error rule of
  Breiman et al., 1984). The error rate is controlled by the test; the cost
  condition only keeps a statistically detectable but harmless violation
  (large samples) from being called a contradiction;
* ``supported`` when it is not contradicted and ``p_support_adjusted < alpha``
  (the effect goes significantly in the declared direction);
* ``no evidence`` otherwise, and when the data cannot test it (a feature
  with a single value, a category never seen, too few keypoints for a shape,
  too few rows for the model), with the reason as evidence.

Output bounds are not tested statistically: the bound is contradicted when
observed targets fall outside it (beyond floating-point rounding), with the
counts as evidence, and supported otherwise; their ``p_value`` is empty.

**Effects.** ``AssumptionReport.effects`` holds, for every feature, its effect
curve in the joint model (the partial dependence on the linear predictor,
averaging any trust surface over the data, centred to mean zero over the rows)
at its keypoints (categories for a categorical feature), with a pointwise
``1 - alpha`` band from ``n_bootstrap`` parametric bootstrap draws of the
coefficients, ``theta* ~ N(theta_hat, V)``, and the curve once the feature's
own constraints are imposed (``constrained``).

Why this model: its constraints are exactly the spec's, on the spec's own
keypoints, and one fit costs one linear solve (a few Newton steps for
classification), so the whole check takes about a second for thousands of
rows. Curves from a flexible model (accumulated local effects of gradient
boosting, say) would need tens of refits for their bootstrap bands and would
still need a model in which the constraints can be imposed to price them.

Limits: the model is additive apart from declared trust pairs, so an
undeclared interaction is averaged into the main effects; with few rows the
keypoints are thinned and the checks see a coarser curve; a trust surface
is coarse (at most 3 x 3 cells), so an interaction as strong as the main effect
that bends sharply along a shaped feature can make that feature's shape look
violated (``exp(40 (a - 1)) (1 + b)``, n = 1000, noise sd 0.05: the convexity
of ``a`` contradicted in 3 of 8 planted data sets); a trapezoid's ends are the lowest and
highest cells of ``feature`` on the trust grid (a sixth of its range or so), so a slope along ``by`` that
changes within such a cell is averaged over it; a feature almost collinear
with a declared monotone feature whose effect jumps inside a bin can be fooled
(correlation 0.995, b without effect: b's declared increase called supported in
13 of 40 planted data sets, 2 of 40 with a smooth effect); the p-values are
slightly conservative at small n (at a flat effect and n = 100,
about 0.34 of the monotonicity p-values fall below 0.4); the cost's z-statistic
treats the out-of-fold losses as independent rows.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._args import common_problems, is_int, is_probability
from ..errors import DataError, Problem, SpecError
from ..spec import CategoricalFeature, NumericFeature, Spec
from ..spec.constraints import Dominance, Trust
from ..spec.spec import as_spec
from . import _additive as add
from ._cv import splitter_folds

__all__ = ["check_assumptions", "AssumptionReport", "VERDICTS"]

VERDICTS = ("supported", "no evidence", "contradicted")
COST_Z = 1.0  # "beyond noise": the CV loss rises by more than one standard error (the one-standard-error rule)
_BOUNDARY = {  # the null hypothesis of p_support, in words
    "monotonic": "the effect is flat", "convex": "the effect is a straight line",
    "concave": "the effect is a straight line", "unimodal": "the effect is monotone",
    "order": "the levels are equal", "trust": "there is no interaction", "dominance": "the two effects are equal",
}
COLUMNS = ["feature", "constraint", "statement", "verdict", "p_value", "p_adjusted", "p_support",
           "p_support_adjusted", "cost", "cost_z", "evidence"]


# ---------------------------------------------------------------------- the report
@dataclass(eq=False)
class AssumptionReport:
    """What the data say about each constraint of a spec (see :func:`check_assumptions`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per declared constraint, in spec order, with columns
        ``feature, constraint, statement, verdict, p_value, p_adjusted,
        p_support, p_support_adjusted, cost, cost_z, evidence``.
    effects : dict of str to pandas.DataFrame
        Per feature: columns ``x, effect, lower, upper, constrained``.
    alpha : float
        The level of the tests.
    task : str
        ``"regression"`` or ``"classification"``.
    n_rows : int
        Rows used.
    method : dict
        Settings used: folds, draws, keypoints per feature, loss.
    """

    table: Any
    effects: dict
    alpha: float
    task: str
    n_rows: int
    method: dict = field(default_factory=dict)

    @property
    def contradicted(self) -> list[dict]:
        """The rows whose verdict is ``contradicted``, as dicts."""
        return [_plain_row(r) for r in self.table.to_dict("records") if r["verdict"] == "contradicted"]

    @property
    def supported(self) -> list[dict]:
        """The rows whose verdict is ``supported``, as dicts."""
        return [_plain_row(r) for r in self.table.to_dict("records") if r["verdict"] == "supported"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (NaN as None)."""
        effects = {}
        for name, df in self.effects.items():
            effects[name] = {c: [_plain(v) for v in df[c].tolist()] for c in df.columns}
        return {"alpha": float(self.alpha), "task": self.task, "n_rows": int(self.n_rows),
                "method": _plain(self.method),
                "rows": [_plain_row(r) for r in self.table.to_dict("records")], "effects": effects}

    def __str__(self) -> str:
        head = ["feature", "constraint", "verdict", "p (holds)", "p (support)", "cost"]
        body = []
        for r in self.table.to_dict("records"):
            body.append([str(r["feature"]), str(r["constraint"]), str(r["verdict"]), _fmt_p(r["p_value"]),
                         _fmt_p(r["p_support"]), "" if _nan(r["cost"]) else f"{100 * r['cost']:+.1f}%"])
        if not body:
            body = [["(no constraints declared)"] + [""] * (len(head) - 1)]
        widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
        line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
        counts = {v: int((self.table["verdict"] == v).sum()) for v in VERDICTS} if len(self.table) else {}
        summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n) or "nothing to check"
        out = [f"Assumption checks on {self.n_rows} rows ({self.task}, alpha = {self.alpha:g}, Holm-adjusted): {summary}",
               line(head), line(["-" * w for w in widths])]
        out += [line(b) for b in body]
        for r in self.table.to_dict("records"):
            out.append(f"  * {r['feature']} {r['constraint']}: {r['evidence']}")
        return "\n".join(out)

    __repr__ = __str__

    def plot(self, ax: Any = None, *, features: list[str] | None = None):
        """Effect curves with their bands and constrained curves, one panel per feature.

        Parameters
        ----------
        ax : matplotlib Axes, sequence of Axes, or None
            Where to draw: one Axes per feature shown. ``None`` makes a new figure.
        features : list of str or None
            Features to show; default those named by a constraint (all if none is).

        Returns
        -------
        matplotlib.figure.Figure
        """
        from matplotlib.figure import Figure

        if features is None:
            named = [n for f in self.table["feature"].tolist() for n in _names_in(f) if n in self.effects]
            features = list(dict.fromkeys(named)) or list(self.effects)
        unknown = [f for f in features if f not in self.effects]
        if unknown:
            raise SpecError([Problem("features", f"features of the report {list(self.effects)}", repr(unknown),
                                     "Pass names of the spec's features.")], title="Invalid arguments")
        if ax is None:
            ncol = min(3, max(len(features), 1))
            nrow = max(1, math.ceil(len(features) / ncol))
            fig = Figure(figsize=(4.2 * ncol, 3.2 * nrow), layout="constrained")
            axes = [fig.add_subplot(nrow, ncol, i + 1) for i in range(max(len(features), 1))]
        else:
            axes = list(np.ravel(np.asarray(ax, dtype=object)))
            if len(axes) < len(features):
                raise SpecError([Problem("ax", f"at least {len(features)} Axes (one per feature shown)",
                                         f"{len(axes)}", "Pass ax=None or more Axes.")], title="Invalid arguments")
            fig = axes[0].figure
        colours = {"supported": "tab:green", "no evidence": "tab:gray", "contradicted": "tab:red"}
        for a, name in zip(axes, features):
            df = self.effects[name]
            rows = [r for r in self.table.to_dict("records") if name in _names_in(r["feature"])] if len(self.table) else []
            verdict = _worst([r["verdict"] for r in rows])
            colour = colours.get(verdict, "tab:blue")
            if name in self.method.get("keypoints", {}):  # numeric: a curve over its keypoints
                x = df["x"].to_numpy(dtype=float)
                a.fill_between(x, df["lower"], df["upper"], color=colour, alpha=0.2, lw=0)
                a.plot(x, df["effect"], color=colour, marker="o", ms=3, label="estimate")
                a.plot(x, df["constrained"], color="black", ls="--", lw=1, label="constrained")
            else:
                pos = np.arange(len(df))
                a.errorbar(pos, df["effect"], yerr=[df["effect"] - df["lower"], df["upper"] - df["effect"]],
                           fmt="o", color=colour, capsize=3, label="estimate")
                a.plot(pos, df["constrained"], "k_", ms=12, label="constrained")
                a.set_xticks(pos, [str(v) for v in df["x"]])
            label = "; ".join(f"{r['constraint']}: {r['verdict']}" for r in rows) or "unconstrained"
            a.set_title(f"{name}\n{label}", fontsize=9)
            a.set_xlabel(name)
            a.set_ylabel("effect (log-odds)" if self.task == "classification" else "effect")
            a.axhline(0, color="0.8", lw=0.8)
        if axes and features:
            axes[0].legend(fontsize=7)
        return fig


# ---------------------------------------------------------------------- the check
@dataclass
class _Check:
    """One declared constraint, as cones of the additive model."""

    constraint: str
    feature: str
    statement: str
    cones: list = field(default_factory=list)
    reason: str | None = None  # why it cannot be tested
    info: dict = field(default_factory=dict)  # what the evidence sentence needs


def check_assumptions(spec: Spec | dict | str | Path, X: Any, y: Any, *, alpha: float = 0.05,
                      n_bootstrap: int = 1000, cv: int | Any = 5, random_state: int = 0,
                      n_jobs: int | None = None, progress: bool = False) -> AssumptionReport:
    """Test each constraint of a spec against data.

    For every declared constraint (monotonicity, convexity/concavity,
    unimodality, category orders, trust, dominance, output bounds) the data
    are asked whether they support it, contradict it, or say nothing, on one
    additive model fitted jointly to all features (so that correlated
    features are judged by their adjusted effects). The method, the tests and
    the verdict rule are described in the module documentation
    (:mod:`priorml.audit.assumptions`).

    Parameters
    ----------
    spec : Spec, dict or path to a YAML/JSON file
        The constraints to check (its ``task`` decides the model).
    X : DataFrame or array
        Features (DataFrame columns by name; arrays in spec order).
    y : array-like
        Target (numbers for regression, two classes for classification).
    alpha : float, default=0.05
        Level of the tests, after Holm's adjustment across the spec's
        constraints; also sets the ``1 - alpha`` effect bands.
    n_bootstrap : int, default=1000
        Monte Carlo draws for the chi-bar-squared weights of each test and
        parametric bootstrap draws for the effect bands (at least 100).
    cv : int or scikit-learn splitter, default=5
        Folds for the cross-validated cost (stratified for classification).
    random_state : int, default=0
        Seed for the folds and the draws; the same seed gives the same report.
    n_jobs : int or None
        Workers for joblib (folds and tests run through ``joblib.Parallel``).
    progress : bool, default=False
        Show a progress bar over the tests and folds.

    Returns
    -------
    AssumptionReport
        ``.table`` (one row per constraint), ``.effects``, ``.contradicted``,
        ``.to_dict()``, ``.plot()``.

    Raises
    ------
    SpecError
        Invalid arguments or spec; :class:`~priorml.errors.DataError` (a
        SpecError) when ``X`` or ``y`` do not match the spec.

    Examples
    --------
    >>> import priorml
    >>> from priorml import datasets
    >>> spec = priorml.Spec.from_yaml(datasets.spec_path("auto_mpg"))
    >>> df = datasets.load_auto_mpg()
    >>> report = priorml.check_assumptions(spec, df, df["mpg"])
    >>> report.table[["feature", "constraint", "verdict"]].head(2)  # doctest: +SKIP
    """
    _check_args(alpha, n_bootstrap, cv, random_state, n_jobs, progress)
    spec = _resolve_spec(spec)
    with _single_threaded_blas():
        return _check(spec, X, y, float(alpha), int(n_bootstrap), cv, int(random_state), n_jobs, bool(progress))


def _check(spec: Spec, X: Any, y: Any, alpha: float, n_bootstrap: int, cv: Any, random_state: int, n_jobs: Any,
           progress: bool) -> AssumptionReport:
    import pandas as pd

    from ..spec.schema import Schema, check_target, warn_if_misaligned

    schema = Schema.fit(spec, X)
    Xenc, missing = schema.transform(spec, X, return_missing=True)
    n = Xenc.shape[0]
    warn_if_misaligned(X, y)
    yv = check_target(y, spec.task, n)
    classes = None
    if spec.task == "classification":
        from ..estimators._base import encode_classes

        classes, yv = encode_classes(yv)
    splitter = _splitter(cv, spec.task, yv, random_state)

    design = add.Design(spec, schema, Xenc, missing)
    B = design.train
    folds = splitter_folds(splitter, np.zeros((n, 1)), yv if spec.task == "classification" else None)
    ridge, ridge_losses = add.RIDGE[spec.task], None
    if spec.task == "classification":  # a fixed weak ridge overfits a logistic staircase: chosen on the folds
        ridge, ridge_losses = add.choose_ridge(B, yv, design.ridge_mask, folds)
    full = add.fit_additive(B, yv, spec.task, design.ridge_mask, ridge=ridge)
    checks = _build_checks(spec, design)
    too_few = spec.task == "regression" and not (full.df_resid >= 3 and np.isfinite(full.scale) and full.scale > 0)
    if too_few:
        for c in checks:
            if c.constraint != "output" and c.reason is None:
                c.reason = (f"too few rows ({n}) for the {design.n_coef} coefficients of the additive model "
                            f"(residual degrees of freedom {full.df_resid:.1f}); no test is possible")
    testable = [c for c in checks if c.reason is None and c.cones]

    seeds = np.random.SeedSequence(random_state).spawn(len(testable) + len(design.blocks) + 1)
    from joblib import delayed

    cov = full.cov
    tasks = [delayed(_test)(c.cones, c.constraint == "unimodal", full.theta, cov, full.df_resid, n_bootstrap, s)
             for c, s in zip(testable, seeds)]
    cones = [c.cones for c in testable]
    bounds = _bounds(spec)
    tasks += [delayed(_fold)(B, yv, spec.task, design.ridge_mask, tr, te, cones, bounds, ridge) for tr, te in folds]
    results = _run(tasks, n_jobs, progress)
    tests, fold_out = results[:len(testable)], results[len(testable):]

    # Out-of-fold losses, per check.
    base = np.full(n, np.nan)
    per = np.full((len(testable), n), np.nan)
    out_loss = np.full(n, np.nan)
    for (tr, te), res in zip(folds, fold_out):
        base[te] = res["base"]
        per[:, te] = res["checks"]
        if res["output"] is not None:
            out_loss[te] = res["output"]

    zcrit = COST_Z
    rows = []
    test_of = {id(c): (t, per[i]) for i, (c, t) in enumerate(zip(testable, tests))}
    for c in checks:
        row = {"feature": c.feature, "constraint": c.constraint, "statement": c.statement, "verdict": "no evidence",
               "p_value": np.nan, "p_adjusted": np.nan, "p_support": np.nan, "p_support_adjusted": np.nan,
               "cost": np.nan, "cost_z": np.nan, "evidence": ""}
        if c.constraint == "output":
            row.update(_output_row(c, yv, base, out_loss))
        elif id(c) in test_of:
            t, losses = test_of[id(c)]
            row["p_value"], row["p_support"] = t["p_value"], t["p_support"]
            row["cost"], row["cost_z"] = _cost(base, losses)
            c.info["projection"] = t
        else:
            row["evidence"] = c.reason or "nothing to test"
        rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    _holm_into(table, "p_value", "p_adjusted")
    _holm_into(table, "p_support", "p_support_adjusted")
    loss_name = "MSE" if spec.task == "regression" else "log-loss"
    k = len(folds)
    for i, c in enumerate(checks):
        r = table.loc[i]
        if c.constraint == "output" or c.reason is not None or not c.cones:
            continue
        contradicted = bool(r["p_adjusted"] < alpha and r["cost_z"] > zcrit)
        supported = (not contradicted) and bool(r["p_support_adjusted"] < alpha)
        verdict = "contradicted" if contradicted else "supported" if supported else "no evidence"
        table.loc[i, "verdict"] = verdict
        what = _describe(c, design, full, alpha, None if classes is None else _plain(classes[1]))
        cheap = (r["p_adjusted"] < alpha and not contradicted)
        tail = (f"{_p_text(r['p_value'])} that it holds (Holm-adjusted {_fmt_p(r['p_adjusted'])}) and "
                f"{_p_text(r['p_support'])} that {_BOUNDARY[c.constraint]} instead; "
                f"imposing it changes the {k}-fold CV {loss_name} by {100 * r['cost']:+.1f}%")
        if cheap:
            tail += " (the violation is detectable but costs nothing beyond noise)"
        table.loc[i, "evidence"] = f"{what}; {tail}."
    effects = _effects(design, full, checks, alpha, n_bootstrap, seeds[len(testable):])
    method = {"model": "additive on the spec's keypoints, fitted jointly", "folds": k, "n_bootstrap": int(n_bootstrap),
              "loss": loss_name, "ridge": float(ridge),
              "ridge_chosen_by": (f"lowest {k}-fold out-of-fold log-loss of the unconstrained fit among "
                                  + ", ".join(f"{lam:g}" for lam in add.RIDGE_GRID)) if ridge_losses else "fixed",
              "ridge_cv_log_loss": {f"{lam:g}": v for lam, v in ridge_losses.items()} if ridge_losses else None,
              "coefficients": int(design.n_coef),
              "df_resid": None if not np.isfinite(full.df_resid) else float(full.df_resid),
              "keypoints": {b.name: [float(v) for v in b.knots] for b in design.blocks.values() if b.kind == "numeric"},
              "scale": "log-odds of " + repr(_plain(classes[1])) if classes is not None else "target units"}
    return AssumptionReport(table, effects, float(alpha), spec.task, int(n), method)


# ---------------------------------------------------------------------- building the cones
def _build_checks(spec: Spec, design: add.Design) -> list[_Check]:
    """One check per declared constraint, in spec order (features, then interactions, then output)."""
    checks: list[_Check] = []
    blocks = design.blocks
    for f in spec.features:
        blk = blocks[f.name]
        if isinstance(f, NumericFeature):
            K = len(blk.knots)
            single = f"{f.name} takes a single value in the data" if blk.n_unique < 2 else None
            maps = design.increment_maps(f.name)  # one per value of the trust partners on their grid
            u = blk.widths
            if f.monotonic:
                word = "increasing" if f.monotonic > 0 else "decreasing"
                cone = add.Cone.from_rows(np.vstack([f.monotonic * M for M in maps]))
                checks.append(_Check("monotonic", f.name, f"the effect of {f.name} is {word}", [cone], single,
                                     {"sign": f.monotonic, "word": word}))
            if f.shape:
                sign = 1 if f.shape == "convex" else -1
                reason = single or _curvature_reason(f.name, blk)
                rows = [sign * (M[k + 1] / u[k + 1] - M[k] / u[k]) for M in maps for k in range(K - 2)]
                cones = [add.Cone.from_rows(np.vstack(rows))] if rows else []
                checks.append(_Check(f.shape, f.name, f"the effect of {f.name} is {f.shape}", cones, reason,
                                     {"sign": sign}))
            if f.unimodal:
                s_ = 1 if f.unimodal == "peak" else -1
                reason = single or _curvature_reason(f.name, blk)
                cones = []
                if K >= 3:
                    for mode in range(K):
                        pattern = np.array([s_ if k < mode else -s_ for k in range(K - 1)], dtype=float)
                        cones.append(add.Cone.from_rows(np.vstack([pattern[:, None] * M for M in maps])))
                checks.append(_Check("unimodal", f.name, f"the effect of {f.name} has a single {f.unimodal}",
                                     cones, reason, {"sign": s_, "word": f.unimodal}))
        elif isinstance(f, CategoricalFeature) and f.order:
            pos = {str(lab): i for i, lab in enumerate(blk.labels)}
            pairs, skipped = [], []
            for a, b in f.order_pairs:
                (pairs if str(a) in pos and str(b) in pos else skipped).append((a, b))
            A = np.zeros((len(pairs), len(blk.cols)))
            for r, (a, b) in enumerate(pairs):
                A[r, pos[str(b)]], A[r, pos[str(a)]] = 1.0, -1.0
            absent = sorted({str(c) for p in skipped for c in p if str(c) not in pos})
            reason = None
            if not pairs:
                reason = (f"categor{'y' if len(absent) == 1 else 'ies'} {', '.join(absent)} of {f.name} never "
                          "occur in the data, so no declared pair can be compared")
            text = "; ".join(f"f({a}) <= f({b})" for a, b in f.order_pairs)
            checks.append(_Check("order", f.name, text, [add.Cone(blk.cols, A)] if pairs else [], reason,
                                 {"pairs": pairs, "absent": absent, "pos": pos}))
    for inter in spec.interactions:
        a, b = inter.features
        ba, bb = blocks[a], blocks[b]
        single = next((f"{n_} takes a single value in the data" for n_, bl in ((a, ba), (b, bb)) if bl.n_unique < 2), None)
        if isinstance(inter, Trust):
            t = design.trust_block(a, b)
            ma = spec[a].monotonic
            if inter.kind == "edgeworth":
                cone = add.Cone(t.cols, ma * inter.direction * np.eye(len(t.cols)))
                stmt = (f"the slope of the effect of {a} {'grows' if inter.direction > 0 else 'shrinks'} in size "
                        f"as {b} grows (edgeworth)")
            else:
                # Along `by`, the prediction at the end of `feature` where it is highest rises and at the other
                # end falls (range widening), or the reverse (narrowing).
                # With a surface constant within cells of `by`, the slope of `by` inside a cell is shared by
                # every value of `feature` (an average), so only the changes between cells can be tested.
                if t.sides[1] == "step":
                    top = design.cell_increment_map(t, t.grids[0][-1])
                    bottom = design.cell_increment_map(t, t.grids[0][0])
                else:
                    top = design.increment_map(b, {a: t.grids[0][-1]})
                    bottom = design.increment_map(b, {a: t.grids[0][0]})
                cone = add.Cone.from_rows(np.vstack([ma * inter.direction * top, -ma * inter.direction * bottom]))
                stmt = (f"the range of the prediction along {a} {'widens' if inter.direction > 0 else 'narrows'} "
                        f"as {b} grows (trapezoid)")
            checks.append(_Check("trust", f"{a} | {b}", stmt, [cone], single,
                                 {"inter": inter, "block": t, "main": ba, "by": bb}))
        elif isinstance(inter, Dominance):
            m = spec[a].monotonic
            inc_a, inc_b = _pd_increments(design, a), _pd_increments(design, b)
            if inter.kind == "monotonic":
                ua, ub = ba.widths, bb.widths
                rows = [m * (inc_a[i] / ua[i] - inc_b[j] / ub[j]) for i in range(len(ua)) for j in range(len(ub))]
                stmt = f"the slope of {a} is at least that of {b}, per unit of their ranges (monotonic dominance)"
            else:
                rows = [m * (_total(inc_a, ba) - _total(inc_b, bb))]
                stmt = f"the change of the prediction over the range of {a} is at least that over {b} (range dominance)"
            checks.append(_Check("dominance", f"{a} > {b}", stmt, [add.Cone.from_rows(np.vstack(rows))], single,
                                 {"inter": inter, "a": ba, "b": bb, "sign": m, "inc_a": inc_a, "inc_b": inc_b}))
    if spec.output is not None:
        lo, hi = _bounds(spec)
        checks.append(_Check("output", "(output)", f"prediction in [{_g(lo)}, {_g(hi)}]", info={"bounds": (lo, hi)}))
    return checks


def _total(inc: np.ndarray, blk: add.Block) -> np.ndarray:
    """Weights of a feature's change over its keypoint range: the sum of its increments, or, for a staircase,
    the change between its first and last bin levels per unit of the distance between those bins' mean
    values, times the range (exact for a straight line; the extreme bins' means lie inside the range)."""
    return inc.sum(axis=0) / float(np.sum(blk.widths))


def _pd_increments(design: add.Design, name: str) -> np.ndarray:
    """(K-1, n_coef): changes of the feature's partial dependence between neighbouring keypoints."""
    _, C = design.curve_weights(name)
    return np.diff(C, axis=0)


def _curvature_reason(name: str, blk: add.Block) -> str | None:
    if blk.n_unique < 3:
        return f"{name} takes only {blk.n_unique} distinct values; a curve through them is both convex and concave"
    if len(blk.knots) < 3:
        if blk.spec_knots < 3:
            return f"{name} has {blk.spec_knots} keypoints in the spec; a shape needs at least 3"
        return f"too few rows to estimate the curvature of {name}"
    return None


# ---------------------------------------------------------------------- tests and folds (joblib tasks)
def _test(cones: list, union: bool, theta: np.ndarray, cov: np.ndarray, df_resid: float, n_draws: int,
          seed: np.random.SeedSequence) -> dict:
    """p-values of one constraint (see the module documentation)."""
    with _single_threaded_blas():
        return _test_body(cones, union, theta, cov, df_resid, n_draws, seed)


def _test_body(cones, union, theta, cov, df_resid, n_draws, seed) -> dict:
    rng = np.random.default_rng(seed)
    per = []
    for cone in cones:
        w = add.Whitened(cone, cov)
        d, lin, proj = w.distance(theta[cone.idx])
        weights = w.weights(rng.standard_normal((n_draws, len(cone.idx))))
        per.append((add.chibar_sf(d, weights, df_resid),
                    add.chibar_sf(max(lin - d, 0.0), weights, df_resid, reverse=True), d, proj))
    if union:
        p = max(x[0] for x in per)
        p_support = max(per[0][0], per[-1][0])  # both monotone directions rejected
        best = int(np.argmin([x[2] for x in per]))
        return {"p_value": p, "p_support": p_support, "stat": per[best][2], "mode": best}
    return {"p_value": per[0][0], "p_support": per[0][1], "stat": per[0][2], "mode": None}


def _fold(B, y, task, mask, train, test, cones_per_check, bounds, ridge=None) -> dict:
    """Out-of-fold losses of the unconstrained fit and of each constrained one."""
    with _single_threaded_blas():
        return _fold_body(B, y, task, mask, train, test, cones_per_check, bounds, ridge)


def _fold_body(B, y, task, mask, train, test, cones_per_check, bounds, ridge=None) -> dict:
    fit = add.fit_additive(B[train], y[train], task, mask, with_df=False, ridge=ridge)
    Bt, yt = B[test], y[test]
    base = _loss(yt, Bt @ fit.theta, task)
    checks = np.empty((len(cones_per_check), len(test)))
    for i, cones in enumerate(cones_per_check):
        theta_c, _ = add.project_full(fit.theta, fit.hinv, cones)
        checks[i] = _loss(yt, Bt @ theta_c, task)
    out = None
    if bounds is not None:
        lo, hi = bounds
        out = _loss(yt, np.clip(Bt @ fit.theta, lo, hi), task)
    return {"base": base, "checks": checks, "output": out}


def _loss(y: np.ndarray, eta: np.ndarray, task: str) -> np.ndarray:
    if task == "regression":
        return (y - eta) ** 2
    return np.logaddexp(0.0, eta) - y * eta


def _run(tasks: list, n_jobs: int | None, progress: bool) -> list:
    from joblib import Parallel

    parallel = Parallel(n_jobs=n_jobs, return_as="generator")
    gen = parallel(tasks)
    if progress:
        from tqdm.auto import tqdm

        gen = tqdm(gen, total=len(tasks), desc="assumption checks", unit="fit")
    return list(gen)


def _cost(base: np.ndarray, losses: np.ndarray) -> tuple[float, float]:
    """Relative change of the total out-of-fold loss, and the paired z-statistic of the per-row changes
    (rows that no fold left out are skipped)."""
    ok = np.isfinite(base) & np.isfinite(losses)
    base, losses = base[ok], losses[ok]
    if len(base) == 0:
        return float("nan"), float("nan")
    d = losses - base
    total = float(np.sum(base))
    cost = float(np.sum(d) / total) if total > 0 else 0.0
    sd = float(np.std(d, ddof=1)) if len(d) > 1 else 0.0
    # Relative to the loss itself (no floor in target units: with a target in units of 1e-9 the losses are ~1e-20).
    z = float(np.mean(d) / (sd / math.sqrt(len(d)))) if sd > 1e-15 * float(np.mean(base)) and sd > 0 else 0.0
    return cost, z


# ---------------------------------------------------------------------- output bounds
def _bounds(spec: Spec) -> tuple[float, float] | None:
    if spec.output is None:
        return None
    lo = spec.output.min if spec.output.min is not None else -np.inf
    hi = spec.output.max if spec.output.max is not None else np.inf
    return lo, hi


def _output_row(c: _Check, y: np.ndarray, base: np.ndarray, out_loss: np.ndarray) -> dict:
    lo, hi = c.info["bounds"]
    # Rounding tolerance relative to the target's own scale (no floor of one target unit: with a target in
    # units of 1e-6 that would let values well beyond a bound pass).
    spread = float(np.ptp(y)) if len(y) > 1 else 0.0
    below = y < lo - 1e-9 * max(abs(lo) if np.isfinite(lo) else 0.0, spread)
    above = y > hi + 1e-9 * max(abs(hi) if np.isfinite(hi) else 0.0, spread)
    n = len(y)
    cost, z = _cost(base, out_loss)
    parts = []
    if below.any():
        parts.append(f"{int(below.sum())} of {n} targets lie below the lower bound {_g(lo)} "
                     f"(lowest {_g_apart(float(y.min()), lo)})")
    if above.any():
        parts.append(f"{int(above.sum())} of {n} targets lie above the upper bound {_g(hi)} "
                     f"(highest {_g_apart(float(y.max()), hi)})")
    if parts:
        evidence = " and ".join(parts)
        verdict = "contradicted"
    else:
        evidence = f"all {n} targets lie within the bounds (observed {_g(float(y.min()))} to {_g(float(y.max()))})"
        verdict = "supported"
    evidence += f"; clipping the predictions to the bounds changes the CV loss by {100 * cost:+.1f}%."
    return {"verdict": verdict, "evidence": evidence, "cost": cost, "cost_z": z}


# ---------------------------------------------------------------------- evidence sentences
def _describe(c: _Check, design: add.Design, fit: add.Fit, alpha: float, positive: Any = None) -> str:
    """The first half of the evidence sentence: what the adjusted effect looks like (``positive``: a
    classifier's second class, whose log-odds are modelled; None for regression)."""
    theta, cov = fit.theta, fit.cov
    z = _z(alpha)
    what = f"the log-odds of {positive!r} change" if positive is not None else "the prediction changes"

    def contrast(w: np.ndarray) -> tuple[float, float, float]:
        est = float(w @ theta)
        se = float(np.sqrt(max(w @ cov @ w, 0.0)))
        return est, est - z * se, est + z * se

    ci = f"{100 * (1 - alpha):g}% CI"
    if c.constraint in ("monotonic", "convex", "concave", "unimodal"):
        blk = design.blocks[c.feature]
        t = blk.knots
        inc = _pd_increments(design, c.feature)
        d = inc @ theta
        tot = contrast(inc.sum(axis=0))
        partners = [p for _, p, _ in design.partners(c.feature)]
        avg = (f" on average over {', '.join(partners)} (the test checks every value on the trust grid)"
               if partners else "")
        head = (f"adjusted for the other features, {what} by {_g(tot[0])} ({ci} {_g(tot[1])} to {_g(tot[2])}) "
                f"as {c.feature} goes from {_g(t[0])} to {_g(t[-1])}{avg}")
        if c.constraint == "monotonic":
            m = c.info["sign"]
            k = int(np.argmin(m * d))
            if m * d[k] < 0:
                against = "fall" if m > 0 else "rise"
                return head + f", with a largest {against} of {_g(abs(d[k]))} between {_g(t[k])} and {_g(t[k + 1])}"
            return head + f", {'rising' if m > 0 else 'falling'} (or flat) across every segment"
        if c.constraint in ("convex", "concave"):
            slopes = d / (blk.widths * (t[-1] - t[0]))  # between keypoints, or between bin means (staircase)
            sign = c.info["sign"]
            ds = np.diff(slopes)
            k = int(np.argmin(sign * ds))
            text = head + f"; its slope goes from {_g(slopes[0])} to {_g(slopes[-1])} per unit of {c.feature}"
            if sign * ds[k] < 0:
                text += (f", with a largest {'decrease' if sign > 0 else 'increase'} of {_g(abs(ds[k]))} "
                         f"at {c.feature} = {_g(t[k + 1])}")
            return text
        mode = c.info.get("projection", {}).get("mode")
        turn = "peak" if c.info["sign"] > 0 else "valley"
        if mode is None:
            return head
        where = ("at an end of the range (a monotone curve)" if mode in (0, len(t) - 1)
                 else f"at {c.feature} = {_g(t[mode])}")
        return head + f"; the closest single-{turn} curve turns {where}"
    if c.constraint == "order":
        blk = design.blocks[c.feature]
        pos = c.info["pos"]
        parts = []
        for a, b in c.info["pairs"][:4]:
            w = np.zeros(design.n_coef)
            w[blk.cols[pos[str(b)]]], w[blk.cols[pos[str(a)]]] = 1.0, -1.0
            est, lo, hi = contrast(w)
            parts.append(f"f({b}) - f({a}) = {_g(est)} ({_g(lo)} to {_g(hi)})")
        more = len(c.info["pairs"]) - 4
        text = f"adjusted for the other features ({ci} in brackets), " + ", ".join(parts)
        if more > 0:
            text += f" and {more} more pair{'s' if more > 1 else ''}"
        if c.info["absent"]:
            text += f" (not in the data, so not compared: {', '.join(c.info['absent'])})"
        return text
    if c.constraint == "trust":
        inter, t, main = c.info["inter"], c.info["block"], c.info["main"]
        w_lo = np.zeros(design.n_coef)
        w_lo[main.cols] = 1.0
        w_mixed = np.zeros(design.n_coef)
        w_mixed[t.cols] = 1.0
        at_lo, at_hi, diff = contrast(w_lo), contrast(w_lo + w_mixed), contrast(w_mixed)
        gb = t.grids[1]
        mixed = theta[t.cols]
        return (f"adjusted for the other features, the change of the prediction over the range of {inter.feature} is "
                f"{_g(at_lo[0])} at {inter.by} = {_g(gb[0])} and {_g(at_hi[0])} at {inter.by} = {_g(gb[-1])} "
                f"(difference {_g(diff[0])}, {ci} {_g(diff[1])} to {_g(diff[2])}; mixed differences on the "
                f"{len(t.grids[0])}x{len(gb)} grid from {_g(float(mixed.min()))} to {_g(float(mixed.max()))})")
    if c.constraint == "dominance":
        inter, ba, bb, m = c.info["inter"], c.info["a"], c.info["b"], c.info["sign"]
        inc_a, inc_b = c.info["inc_a"], c.info["inc_b"]
        ta, tb = contrast(_total(inc_a, ba)), contrast(_total(inc_b, bb))
        if inter.kind == "range":
            dd = contrast(m * (_total(inc_a, ba) - _total(inc_b, bb)))
            return (f"adjusted for the other features, the prediction changes by {_g(ta[0])} ({ci} {_g(ta[1])} to "
                    f"{_g(ta[2])}) over the range of {inter.feature} and by {_g(tb[0])} ({_g(tb[1])} to {_g(tb[2])}) "
                    f"over that of {inter.over}: an excess of {_g(dd[0])} ({_g(dd[1])} to {_g(dd[2])}) for "
                    f"{inter.feature} in their common direction")
        sa = (inc_a @ theta) / ba.widths
        sb = (inc_b @ theta) / bb.widths
        return (f"adjusted for the other features, per unit of their ranges the slopes of {inter.feature} lie between "
                f"{_g(sa.min())} and {_g(sa.max())} and those of {inter.over} between {_g(sb.min())} and "
                f"{_g(sb.max())} (total changes {_g(ta[0])} and {_g(tb[0])})")
    return ""


# ---------------------------------------------------------------------- effect curves
def _effects(design: add.Design, fit: add.Fit, checks: list[_Check], alpha: float, n_draws: int, seeds) -> dict:
    import pandas as pd

    out = {}
    own: dict[str, list[_Check]] = {}
    for c in checks:
        if c.constraint in ("monotonic", "convex", "concave", "unimodal", "order") and c.cones:
            own.setdefault(c.feature, []).append(c)
    for (name, blk), seed in zip(design.blocks.items(), seeds):
        grid, C = design.curve_weights(name)
        used = np.flatnonzero(np.any(C != 0, axis=0))
        est = C @ fit.theta
        cov = fit.cov[np.ix_(used, used)]
        if np.all(np.isfinite(cov)):
            rng = np.random.default_rng(seed)
            draws = fit.theta[used][None, :] + rng.standard_normal((n_draws, len(used))) @ add.cholesky(cov).T
            lower, upper = np.quantile(draws @ C[:, used].T, [alpha / 2, 1 - alpha / 2], axis=0)
        else:  # no residual degrees of freedom: no band
            lower = upper = np.full(len(est), np.nan)
        constrained = est
        mine = own.get(name, [])
        if mine:
            cones = _intersect([c.cones for c in mine])
            theta_c, _ = add.project_full(fit.theta, fit.hinv, cones)
            constrained = C @ theta_c
        x = [_plain(v) for v in grid]
        out[name] = pd.DataFrame({"x": x, "effect": est, "lower": lower, "upper": upper, "constrained": constrained})
    return out


def _intersect(cone_lists: list[list]) -> list:
    """Cones of the intersection of several constraints on the same coefficients (unions distribute)."""
    result = [None]
    for cones in cone_lists:
        new = []
        for base in result:
            for cone in cones:
                if base is None:
                    new.append(cone)
                else:
                    idx = np.union1d(base.idx, cone.idx)
                    A = np.zeros((len(base.A) + len(cone.A), len(idx)))
                    A[:len(base.A), np.searchsorted(idx, base.idx)] = base.A
                    A[len(base.A):, np.searchsorted(idx, cone.idx)] = cone.A
                    new.append(add.Cone(idx, A))
        result = new
    return [c for c in result if c is not None]


# ---------------------------------------------------------------------- arguments
def _check_args(alpha, n_bootstrap, cv, random_state, n_jobs, progress) -> None:
    problems = common_problems(random_state, n_jobs, progress)
    if not is_probability(alpha):
        problems.append(Problem("alpha", "a level in (0, 1), e.g. 0.05", repr(alpha), "For example alpha=0.05."))
    if not is_int(n_bootstrap, 100):
        problems.append(Problem("n_bootstrap", "an integer >= 100", repr(n_bootstrap),
                                "Use the default 1000, or at least 100 draws."))
    splitter = hasattr(cv, "split") and not isinstance(cv, (str, bytes))
    if not (is_int(cv, 2) or (splitter and not isinstance(cv, bool))):
        problems.append(Problem("cv", "a number of folds >= 2 or a scikit-learn splitter", repr(cv),
                                "For example cv=5."))
    if problems:
        raise SpecError(problems, title="Invalid arguments")


def _resolve_spec(spec: Any) -> Spec:
    return as_spec(spec)


def _splitter(cv: Any, task: str, y: np.ndarray, random_state: int):
    if not isinstance(cv, (int, np.integer)):
        return cv
    from sklearn.model_selection import KFold, StratifiedKFold

    n = len(y)
    k = int(cv)
    if task == "classification":
        smallest = int(min(np.sum(y == 0), np.sum(y == 1)))
        if smallest < 2:
            raise DataError([Problem("y", "at least 2 rows of each class", f"{smallest} row(s) of the rarer class",
                                     "Cross-validation needs both classes in every training fold.")])
        return StratifiedKFold(n_splits=min(k, smallest), shuffle=True, random_state=int(random_state))
    if n < 2 * k:
        raise DataError([Problem("X", f"at least {2 * k} rows for {k}-fold cross-validation", f"{n} rows",
                                 "Provide more rows or a smaller cv.")])
    return KFold(n_splits=k, shuffle=True, random_state=int(random_state))


# ---------------------------------------------------------------------- small helpers
_LIMITED = False  # True while this process already runs under _single_threaded_blas


@contextmanager
def _single_threaded_blas():
    """BLAS limited to one thread: the matrices here are small (about 100 columns), and threads
    only add contention (tens of times slower on a busy machine)."""
    global _LIMITED
    if _LIMITED:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        _LIMITED = True
        try:
            yield
        finally:
            _LIMITED = False


def _holm_into(table, col: str, out: str) -> None:
    p = table[col].to_numpy(dtype=float)
    ok = np.flatnonzero(np.isfinite(p))
    adj = np.full(len(p), np.nan)
    if len(ok):
        order = ok[np.argsort(p[ok], kind="stable")]
        m = len(order)
        running = 0.0
        for rank, i in enumerate(order):
            running = max(running, min(1.0, (m - rank) * p[i]))
            adj[i] = running
    table[out] = adj


def _z(alpha: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(1 - alpha / 2))


def _g(v: float) -> str:
    if v is None:
        return "none"
    if not np.isfinite(v):
        return "inf" if v > 0 else "-inf"
    s = f"{v:.3g}"
    return "0" if s in ("-0", "-0.0") else s


def _g_apart(v: float, ref: float) -> str:
    """``v`` with as many significant digits as it takes to tell it from ``ref`` (a target just beyond a bound
    must not print as the bound itself)."""
    for digits in range(3, 13):
        s, r = f"{v:.{digits}g}", f"{ref:.{digits}g}"
        if float(s) != float(r):
            return s
    return f"{v:.17g}"


def _fmt_p(p: Any) -> str:
    if _nan(p):
        return ""
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _plain(v: Any) -> Any:
    """Plain Python (JSON) values: numpy scalars unwrapped, NaN as None, containers recursed."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    if isinstance(v, str):
        return str(v)  # np.str_ too
    if hasattr(v, "item") and not isinstance(v, bytes):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _plain_row(r: dict) -> dict:
    return {k: _plain(v) for k, v in r.items()}


def _names_in(feature: str) -> list[str]:
    return [p.strip() for p in str(feature).replace(" | ", ",").replace(" > ", ",").split(",")]


def _worst(verdicts: list[str]) -> str | None:
    for v in ("contradicted", "no evidence", "supported"):
        if v in verdicts:
            return v
    return None
