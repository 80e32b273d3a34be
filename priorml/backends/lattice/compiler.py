"""Spec -> TensorFlow Lattice model.

The model is assembled from TFL layers (not TFL's premade configs), because
the premade models cannot express range dominance, unimodal calibrators in
linear models, or dominance-aware ensembles. Structure::

    x_j --> calibrator_j --> c_j  (one per feature; shape constraints live here)
    c   --> combiner     --> z    (Linear, one Lattice, or an ensemble of Lattices)
    z   --> (bounds)     --> prediction (scaled target, or logit)

The combiner is increasing in every input whose *shape* the calibrator
fixes (monotone, convex/concave, unimodal, ordered categories), so the shape
of the calibrator carries over to the prediction:

* monotone / ordered: an increasing function of a monotone function is monotone;
* unimodal: an increasing function of a unimodal function is unimodal;
* convex / concave: the combiner must be *affine* and increasing in that input,
  which holds for Linear (weight >= 0) and for a lattice dimension of size 2
  (multilinear interpolation is affine along each axis).

Only ``verify_*`` and ``build_*`` functions live here; TensorFlow is imported
lazily by :func:`_tf`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import Problem, SpecError
from ...spec import CategoricalFeature, NumericFeature, Spec
from ...spec._canon import monotonic_name
from ...spec.constraints import Dominance, Trust
from ...spec.schema import Schema
from .feasibility import LatticeConstraints, flat_features

MODEL_TYPES = ("linear", "lattice", "ensemble")
#: a single lattice larger than this is refused before training (memory grows as lattice_size ** d)
MAX_LATTICE_VERTICES = 2 ** 14


_MODULES: tuple | None = None

#: Calibrated linear models leave the calibrators of non-monotone features unbounded (see
#: build_calibrator). Kept as a switch for benchmarks/diag_calibrated_linear_bounds.py, which
#: measures what bounding them to the lattice range changes.
UNBOUNDED_FREE_CALIBRATORS_IN_LINEAR = True

#: L2 weight of TFL's "laplacian" regulariser (the sum of squared differences between the outputs
#: at neighbouring keypoints, in units of the scaled target) on those unbounded calibrators of a
#: regressor (not of a classifier: chosen on regression data, and it made breast cancer worse); added
#: to the mean training loss. Without it, a free calibrator fits noise within the first epochs on
#: small data (and two correlated free features grow large opposite effects); the linear weight in
#: front of the calibrator still lets a real effect reach any amplitude. The value was chosen by
#: 5-fold cross-validation on training rows only (benchmarks/diag_calibrated_linear_bounds.py
#: --cv; results in benchmarks/RESULTS.md); 0 turns the penalty off.
FREE_CALIBRATOR_LAPLACIAN = 1.0


def _tf():
    """Import TensorFlow, tf_keras and TFL, quietly; once (later calls, including those made
    while TensorFlow traces a layer's ``call``, only return the cached modules and never touch
    ``os.environ``, which would make TensorFlow log the environment)."""
    global _MODULES
    if _MODULES is not None:
        return _MODULES
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    try:
        import tensorflow as tf
        import tensorflow_lattice as tfl
        import tf_keras
    except ImportError as exc:  # pragma: no cover - exercised only without the dependency
        from ...errors import BackendUnavailableError

        raise BackendUnavailableError(
            f"The lattice backend needs tensorflow, tf-keras and tensorflow-lattice ({exc}). "
            "Install them with: pip install 'tensorflow==2.21.*' 'tf-keras==2.21.*' tensorflow-lattice==2.1.1"
        ) from exc
    _MODULES = (tf, tf_keras, tfl)
    return _MODULES


@dataclass
class Plan:
    """The resolved architecture: what every layer will be, as plain data.

    Kept separate from the Keras model so that it can be stored, printed in
    certificates, and used to rebuild the model from saved weights.
    """

    model_type: str
    task: str
    lattice_size: int
    lattices: list[list[int]] = field(default_factory=list)  # feature indices per lattice
    lattice_dims: list[int] = field(default_factory=list)  # lattice size per feature
    out_min: float | None = None  # bounds in model units (scaled target)
    out_max: float | None = None
    init_range: tuple[float, float] = (-1.0, 1.0)
    unimodal_size: int = 5

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, init_range=list(self.init_range))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Plan":
        d = dict(d)
        d["init_range"] = tuple(d["init_range"])
        return cls(**d)


# ---------------------------------------------------------------------- verify
def verify_spec(spec: Spec, model_type: str, lattice_size: int = 2, schema: Any = None) -> None:
    """Refuse, before training, what the chosen model type cannot guarantee (and, given the fitted
    ``schema``, keypoints that 32-bit floats cannot tell apart)."""
    problems: list[Problem] = [] if schema is None else keypoint_problems(schema)
    if model_type not in MODEL_TYPES:
        problems.append(Problem("model", " or ".join(map(repr, MODEL_TYPES + ("auto",))), repr(model_type)))
    if model_type == "linear":
        problems += linear_problems(spec)
    for t in spec.trusts:
        by = spec[t.by]
        if isinstance(by, NumericFeature) and not by.monotonic and (by.shape or by.unimodal):
            problems.append(Problem(f"interactions[trust {t.feature} by {t.by}].by",
                                    "a condition that is monotonic, or has no shape constraint",
                                    f"{t.by!r} with {'shape ' + repr(by.shape) if by.shape else 'unimodal ' + repr(by.unimodal)}",
                                    "Trust is stated along a growing condition, which needs an increasing calibrator; a "
                                    "non-monotone curved calibrator cannot be one. Add 'monotonic' to the condition or drop the trust.",
                                    t.by, "by"))
    if model_type != "linear":  # 'linear' refuses trapezoid trust above
        problems += _flat_trapezoid_dominance_pairs(spec)
    mains = {t.feature for t in spec.trusts}
    for t in spec.trusts:
        if t.by in mains:
            problems.append(Problem(f"interactions[trust {t.feature} by {t.by}].by",
                                    "a condition that is not itself the main feature of another trust",
                                    repr(t.by), "TensorFlow Lattice cannot enforce both; drop one of the two trusts.", t.by, "by"))
    for f in spec.features:
        if isinstance(f, NumericFeature) and f.unimodal and f.shape:
            problems.append(Problem(f"features.{f.name}.shape", "no convex/concave together with unimodal in the lattice backend",
                                    f.shape, "Drop 'shape' (the lattice backend cannot guarantee both), or use the Bayesian backend.",
                                    f.name, "shape"))
    if model_type == "lattice":
        sizes = lattice_dims(spec, lattice_size)
        n_vertices = int(np.prod(sizes, dtype=float))
        if n_vertices > MAX_LATTICE_VERTICES:
            problems.append(Problem("model", f"a single lattice of at most {MAX_LATTICE_VERTICES} vertices",
                                    f"{n_vertices:.3g} vertices ({len(spec.features)} features, sizes {sizes})",
                                    "A lattice grows exponentially with the number of features; use model='ensemble' "
                                    "or model='auto' (which never picks a lattice this large), or a smaller "
                                    "lattice_size.", None, "model"))
    if problems:
        raise SpecError(problems, title="Spec cannot be compiled by the lattice backend")


def linear_problems(spec: Spec) -> list[Problem]:
    """What the calibrated linear model (``model='linear'``) cannot guarantee for ``spec``.

    * trapezoid trust: an additive effect of the condition moves both ends of the range;
    * with one output bound only, the prediction is the linear combination clamped at that bound,
      ``g(L)`` with ``g`` convex (lower bound) or concave (upper bound). That bends the curvature of
      a convex or concave feature the other way; gives mixed differences ``g'' u' v'``, so an
      edgeworth trust holds only when its condition is monotone in the direction the clamp
      favours; and shortens the range of one feature's effect more than another's where the
      prediction reaches the bound, so range dominance can fail.
    """
    problems: list[Problem] = []
    for t in spec.trusts:
        if t.kind == "trapezoid":
            problems.append(Problem(f"interactions[trust {t.feature} by {t.by}].trust",
                                    "edgeworth trust in model='linear' (an additive model has no interactions)",
                                    "'trapezoid'", "An additive effect of the condition moves both ends of the range; "
                                    "use model='lattice' or 'ensemble'.", t.feature, "trust"))
    out = spec.output
    if out is None or (out.min is None) == (out.max is None):
        return problems
    bound, clamp = ("output.min", 1) if out.max is None else ("output.max", -1)
    fix = "give both output bounds or use model='lattice'."
    for f in spec.features:
        if isinstance(f, NumericFeature) and f.shape:
            if (clamp > 0 and f.shape == "concave") or (clamp < 0 and f.shape == "convex"):
                problems.append(Problem(
                    f"features.{f.name}.shape", "a shape compatible with a one-sided output bound in model='linear'",
                    f"{f.shape!r} with only {bound}",
                    f"Clamping a linear model at one bound breaks this curvature; {fix}", f.name, "shape"))
    for t in spec.trusts:
        if t.kind != "edgeworth":
            continue
        by = spec[t.by]
        needed = t.direction * clamp  # the sign the condition's effect must have
        if not (isinstance(by, NumericFeature) and by.monotonic == needed):
            problems.append(Problem(
                f"interactions[trust {t.feature} by {t.by}]",
                f"with only {bound} in model='linear', a condition declared "
                f"monotonic: {monotonic_name(needed)} (the clamp at the bound makes the trust follow the sign of "
                f"the condition's effect)",
                f"{t.by!r} " + (f"monotonic: {monotonic_name(by.monotonic)}" if by.monotonic else "not monotonic"),
                f"Clamping a linear model at one bound couples the features where the prediction reaches it; {fix}",
                t.feature, "trust"))
    for d in spec.dominances:
        if d.kind == "range":
            problems.append(Problem(
                f"interactions[dominance {d.feature} over {d.over}].dominance",
                f"monotonic dominance with only {bound} in model='linear'", "'range'",
                "Clamping a linear model at one bound can cut the range of one feature's effect more than the "
                f"other's; use dominance: monotonic, or {fix}", d.feature, "dominance"))
    return problems


def _flat_trapezoid_dominance_pairs(spec: Spec) -> list[Problem]:
    """Trapezoid trust of A by B together with dominance of B over A: only flat lattices.

    In lattice coordinates both features increase. Trapezoid trust holds the output along B
    non-increasing at one end of A (A's minimum when trust grows with B, its maximum when it
    shrinks); B being monotone, the output is constant along B there. TensorFlow Lattice's
    range dominance asks every range along B to be at least every range along A, so every
    range along A is 0, and then so is every range along B. Its monotonic dominance (per
    triangle of each cell, the step along B at least the step along A) spreads the zero step
    from that end cell by cell. Either way every 2-D slice of every lattice holding A and B
    is constant: the model cannot use either feature. The tests check this with a linear
    programme on lattices of several sizes (and that the other pairings keep the full range).
    """
    problems = []
    for t in spec.trusts:
        if t.kind != "trapezoid":
            continue
        for d in spec.dominances:
            if d.feature == t.by and d.over == t.feature:
                problems.append(Problem(
                    f"interactions[trust {t.feature} by {t.by}]",
                    "interactions that leave the model some effect of both features",
                    f"{_describe(t)} together with {_describe(d)}",
                    f"Together they admit only lattices that are flat in {t.feature!r} and {t.by!r}: the trust "
                    f"gives {t.by!r} no effect at one end of {t.feature!r}, and the dominance then allows "
                    f"{t.feature!r} none either. Use trust: edgeworth, or drop one of the two.", t.feature, "trust"))
    return problems


def lattice_dims(spec: Spec, lattice_size: int) -> list[int]:
    """Vertices per feature of a single lattice over every feature, as :func:`plan_model` sets them."""
    dims = [2 if isinstance(f, NumericFeature) and f.shape else lattice_size for f in spec.features]
    for j in forced_increasing(spec):
        dims[j] = max(3, lattice_size)
    return dims


def choose_model_type(spec: Spec, n_rows: int, lattice_size: int = 2) -> str:
    """``model='auto'``: calibrated linear for tiny data and for many features, else a lattice.

    * a spec with trust constraints gets a lattice (trust is an interaction), an ensemble
      above 8 features;
    * calibrated linear (an additive model) below 100 rows;
    * more than 6 features and fewer than 5,000 rows: calibrated linear, except for a
      classifier with 100 to 200 rows, which gets a lattice ensemble;
    * otherwise one lattice up to 6 features, an ensemble beyond;
    * a spec that the calibrated linear model cannot guarantee (:func:`linear_problems`, e.g. a
      concave feature or range dominance with only a lower output bound) gets a lattice (an
      ensemble above 6 features) instead;
    * a single lattice that would have more than ``MAX_LATTICE_VERTICES`` vertices with this
      ``lattice_size`` (which ``verify_spec`` refuses) becomes an ensemble.

    The many-feature rule was first set from the benchmark suite's *test* errors; it has since
    been checked by 5-fold CV on training rows only (``benchmarks/diag_auto_model.py``; five
    datasets with 7-13 features, 100 rows to all). For regression the calibrated linear model
    was ahead in 6 of 9 cells (the ensemble in 2, one tie), so the rule stands. For the two
    classification datasets, over three draws of rows, the ensemble had the lower mean CV log
    loss at 100 and 200 rows (all 4 cells; widely at 100 rows, narrowly at 200), the
    calibrated linear model at full size (242 and 427 rows, narrowly), hence the classifier
    band. Both rest on few datasets: for data known to need interactions, compare model types
    by cross-validation (``GridSearchCV``).
    """
    d = len(spec.features)
    if spec.trusts:
        choice = "lattice" if d <= 8 else "ensemble"
    elif n_rows < 100:
        choice = "linear"
    elif d > 6 and n_rows < 5000:
        choice = "ensemble" if spec.task == "classification" and n_rows <= 200 else "linear"
    else:
        choice = "lattice" if d <= 6 else "ensemble"
    if choice == "linear" and linear_problems(spec):
        choice = "lattice" if d <= 6 else "ensemble"
    if choice == "lattice" and np.prod(lattice_dims(spec, lattice_size), dtype=float) > MAX_LATTICE_VERTICES:
        choice = "ensemble"
    return choice


# ---------------------------------------------------------------------- plan
def shaped(feature) -> bool:
    """Does the calibrator carry a shape that the combiner must preserve?"""
    if isinstance(feature, CategoricalFeature):
        return bool(feature.order)
    return bool(feature.monotonic or feature.shape or feature.unimodal)


def forced_increasing(spec: Spec) -> set[int]:
    """Unconstrained features that condition a trust: in a lattice their calibrator is made
    increasing, so that "more trust as `by` grows" has a meaning in input space. Their effect
    stays free (the lattice is not monotone along them). The calibrated linear model leaves them
    alone (see :func:`build_calibrator`)."""
    idx = {n: i for i, n in enumerate(spec.feature_names)}
    return {idx[t.by] for t in spec.trusts if not spec[t.by].monotonic}


def plan_model(spec: Spec, schema: Schema, y_scaled: np.ndarray | None, *, model_type: str, lattice_size: int,
               n_lattices: int | None, lattice_rank: int, random_state: int | None) -> Plan:
    d = len(spec.features)
    plan = Plan(model_type=model_type, task=spec.task, lattice_size=lattice_size)
    # Convex/concave need an affine combiner along their axis: lattice size 2 there; an unconstrained
    # trust condition gets at least 3, which keeps its effect flexible.
    plan.lattice_dims = lattice_dims(spec, lattice_size)
    if spec.output is not None:
        lo, hi = spec.output.min, spec.output.max
        plan.out_min = None if lo is None else float((lo - schema.y_mean) / schema.y_scale)
        plan.out_max = None if hi is None else float((hi - schema.y_mean) / schema.y_scale)
    if y_scaled is not None and len(y_scaled) and spec.task == "regression":
        plan.init_range = _init_range(y_scaled, plan.out_min, plan.out_max)
    elif spec.task == "classification" and y_scaled is not None and len(y_scaled):
        p = float(np.clip(np.mean(y_scaled), 0.02, 0.98))
        logit = float(np.log(p / (1 - p)))
        plan.init_range = (logit - 1.0, logit + 1.0)
    if model_type == "lattice":
        plan.lattices = [list(range(d))]
    elif model_type == "ensemble":
        plan.lattices = _ensemble_subsets(spec, n_lattices, lattice_rank, random_state)
    return plan


def _init_range(y_scaled: np.ndarray, out_min: float | None, out_max: float | None) -> tuple[float, float]:
    """The initial output range of a regressor: the central 90 % of the scaled targets, inside the bounds.

    Both ends are moved inside the bounds (a bound beyond 95 % of the targets, clamping one end only, gave a
    reversed range, which TensorFlow Lattice refuses). A narrow span is widened so that the calibrators get a
    slope to learn from, but by no more than the spread of the targets: a constant target starts flat at its
    value (+-0.5 took hundreds of epochs to flatten, and a few-epoch fit was off by up to 0.5 target units; any
    slope at all gives Adam, which normalises the gradient, a full step to oscillate with). TFL's initialiser
    needs a span > 0: a flat start spans one float64 ulp, which is nothing in float32.
    """
    lo_b = -np.inf if out_min is None else out_min
    hi_b = np.inf if out_max is None else out_max
    lo, hi = np.clip(np.quantile(y_scaled, [0.05, 0.95]), lo_b, hi_b)
    if hi - lo < 1e-3:
        pad = min(0.5, float(np.ptp(y_scaled)) / 2)
        lo, hi = np.clip([lo - pad, hi + pad], lo_b, hi_b)
    if hi <= lo:  # a constant target (or every target beyond a bound): flat, next to the bound if at one
        lo, hi = (lo, np.nextafter(lo, np.inf)) if lo < hi_b else (np.nextafter(hi, -np.inf), hi)
    return float(lo), float(hi)


def _ensemble_subsets(spec: Spec, n_lattices: int | None, rank: int, random_state: int | None) -> list[list[int]]:
    """Random feature subsets (seeded), repaired so that pairwise constraints hold.

    Every trust pair shares at least one lattice; every lattice holding the
    weaker feature of a dominance also holds the dominant one (otherwise the
    weaker feature would gain slope where the dominant has none); every
    lattice holding the condition of a trapezoid trust also holds its main
    feature (otherwise the condition would shift both ends of the range).
    """
    d = len(spec.features)
    rank = max(2, min(rank, d))
    m = n_lattices or max(2, int(np.ceil(2 * d / rank)))
    rng = np.random.default_rng(random_state)
    idx = {n: i for i, n in enumerate(spec.feature_names)}
    subsets: list[list[int]] = []
    counts = np.zeros(d)
    for _ in range(m):
        # Prefer features used least so far, so every feature appears.
        order = np.lexsort((rng.random(d), counts))
        chosen = sorted(order[:rank].tolist())
        counts[chosen] += 1
        subsets.append(chosen)
    for t in spec.trusts:
        a, b = idx[t.feature], idx[t.by]
        if not any(a in s and b in s for s in subsets):
            host = next((s for s in subsets if a in s), subsets[0])
            host.extend(i for i in (a, b) if i not in host)
    changed = True
    while changed:  # dominance closure; terminates because subsets only grow
        changed = False
        needs = [(idx[dm.feature], idx[dm.over]) for dm in spec.dominances]
        needs += [(idx[t.feature], idx[t.by]) for t in spec.trusts if t.kind == "trapezoid"]
        for a, b in needs:
            for s in subsets:
                if b in s and a not in s:
                    s.append(a)
                    changed = True
    return [sorted(set(s)) for s in subsets]


# ---------------------------------------------------------------------- build
def build_model(spec: Spec, schema: Schema, plan: Plan, *, learning_rate: float):
    """The Keras model for ``plan``; one input per feature, shape (batch, 1)."""
    tf, tf_keras, tfl = _tf()
    inputs = [tf_keras.Input(shape=(1,), name=f"x{j}", dtype="float32") for j in range(len(spec.features))]
    if plan.model_type == "linear":
        lo_hi = [(0.0, 1.0)] * len(spec.features)
    else:
        lo_hi = [(0.0, float(plan.lattice_dims[j] - 1)) for j in range(len(spec.features))]
    calibrated = [
        build_calibrator(f, fs, inp, lo, hi, j, spec, plan)
        for j, (f, fs, inp, (lo, hi)) in enumerate(zip(spec.features, schema.features, inputs, lo_hi))
    ]
    if plan.model_type == "linear":
        out = build_linear(spec, plan, calibrated)
    else:
        outs = [build_lattice(spec, plan, calibrated, subset, k) for k, subset in enumerate(plan.lattices)]
        out = outs[0] if len(outs) == 1 else tf_keras.layers.Average(name="ensemble_mean")(outs)
    model = tf_keras.Model(inputs=inputs, outputs=out)
    loss = (tf_keras.losses.BinaryCrossentropy(from_logits=True) if plan.task == "classification"
            else tf_keras.losses.MeanSquaredError())
    model.compile(optimizer=tf_keras.optimizers.Adam(learning_rate=learning_rate), loss=loss)
    return model


def build_calibrator(f, fs, inp, lo: float, hi: float, j: int, spec: Spec, plan: Plan):
    """One feature's calibrator, with its output in [lo, hi]."""
    tf, tf_keras, tfl = _tf()
    if isinstance(f, CategoricalFeature):
        pairs = []
        cats = [str(c) for c in fs.categories]
        for a, b in f.order_pairs:
            if str(a) in cats and str(b) in cats:
                pairs.append((cats.index(str(a)), cats.index(str(b))))
        return tfl.layers.CategoricalCalibration(
            num_buckets=fs.n_buckets, output_min=lo, output_max=hi,
            monotonicities=pairs or None, kernel_initializer="uniform", name=f"calib_{j}",
        )(inp)
    kp = np.asarray(fs.keypoints, dtype=np.float32)
    # Range statements (dominance, trapezoid trust) compare values at the ends of a feature's range,
    # so its calibrator must reach both ends of the lattice axis exactly.
    clamp = bool(f.monotonic) and (any(f.name in d.features for d in spec.dominances)
                                   or any(t.kind == "trapezoid" and t.feature == f.name for t in spec.trusts))
    if f.unimodal:
        # An increasing calibrator onto [0, K-1], then a 1-D lattice that is unimodal there:
        # the composition is unimodal in x (a unimodal function of an increasing one).
        k = plan.unimodal_size
        pos = tfl.layers.PWLCalibration(
            input_keypoints=kp, output_min=0.0, output_max=float(k - 1), monotonicity="increasing",
            clamp_min=True, clamp_max=True, kernel_initializer="equal_slopes", name=f"calib_{j}_pos",
        )(inp)
        peak = tfl.layers.Lattice(
            lattice_sizes=[k], unimodalities=[f.unimodal], output_min=lo, output_max=hi,
            kernel_initializer=_unimodal_init(k, lo, hi, f.unimodal), name=f"calib_{j}_mode",
        )
        return peak(pos)
    # The calibrated linear model is additive (trust holds there whatever the condition does), so it
    # keeps a free condition free: an increasing calibrator behind a weight that starts positive
    # froze a decreasing effect flat (and two-sided bounds, with weights >= 0, forbade it).
    forced = plan.model_type != "linear" and j in forced_increasing(spec)
    mono = f.monotonic or (1 if forced else 0)
    unbounded = (UNBOUNDED_FREE_CALIBRATORS_IN_LINEAR and not mono and plan.model_type == "linear"
                 and not (plan.out_min is not None and plan.out_max is not None))
    if unbounded:
        # In a calibrated linear model a non-monotone calibrator needs no output range: its linear
        # weight is free and no lattice reads it. Bounding it to [0, 1] made the projection pin its
        # output at a bound while the weight had to grow to compensate, which Adam does very slowly
        # (an additive sine effect stayed flat over half its range). Two-sided output bounds still
        # need [0, 1] (normalised weights keep the prediction inside the bounds). Unbounded, the
        # calibrator gets a smoothness penalty instead (FREE_CALIBRATOR_LAPLACIAN).
        lo = hi = None
    if f.shape and not mono:
        # TFL projects convexity exactly only together with monotonicity (with bounds and no
        # monotonicity it is approximate). A convex piecewise-linear curve is the sum of an increasing
        # convex and a decreasing convex one (split each slope into its positive and negative part),
        # so the average of two monotone calibrators of that curvature is exact and fully general.
        parts = [tfl.layers.PWLCalibration(
            input_keypoints=kp, output_min=lo, output_max=hi, monotonicity=direction, convexity=f.shape,
            kernel_initializer="equal_slopes", name=f"calib_{j}_{direction[:3]}",
        )(inp) for direction in ("increasing", "decreasing")]
        return tf_keras.layers.Average(name=f"calib_{j}")(parts)
    # the penalty's weight was chosen on regression data (squared error of the scaled target), so
    # classifiers are left without it
    penalised = unbounded and plan.task == "regression" and FREE_CALIBRATOR_LAPLACIAN > 0
    return tfl.layers.PWLCalibration(
        input_keypoints=kp, output_min=lo, output_max=hi,
        kernel_regularizer=("laplacian", 0.0, FREE_CALIBRATOR_LAPLACIAN) if penalised else None,
        monotonicity={1: "increasing", -1: "decreasing", 0: "none"}[mono],
        convexity={None: "none", "convex": "convex", "concave": "concave"}[f.shape],
        clamp_min=clamp, clamp_max=clamp,
        kernel_initializer="equal_heights" if not mono else "equal_slopes", name=f"calib_{j}",
    )(inp)


def _unimodal_init(k: int, lo: float, hi: float, kind: str):
    tf, tf_keras, tfl = _tf()
    t = np.linspace(-1, 1, k)
    bump = 1 - t ** 2 if kind == "peak" else t ** 2
    vals = lo + (hi - lo) * (0.25 + 0.5 * bump)
    return tf_keras.initializers.Constant(vals.reshape(-1, 1).astype("float32"))


def build_linear(spec: Spec, plan: Plan, calibrated):
    """Calibrated linear combiner, with the output bounds and dominance."""
    tf, tf_keras, tfl = _tf()
    d = len(calibrated)
    x = tf_keras.layers.Concatenate(name="calibrated")(calibrated) if d > 1 else calibrated[0]
    idx = {n: i for i, n in enumerate(spec.feature_names)}
    doms = [(idx[dm.feature], idx[dm.over]) for dm in spec.dominances]
    two_sided = plan.out_min is not None and plan.out_max is not None
    if two_sided:
        # Non-negative weights summing to one over calibrators in [0, 1]: the sum is in [0, 1]
        # for every input, then mapped affinely onto [min, max]. Non-monotone features keep their
        # freedom through their (non-monotone) calibrators.
        lin = tfl.layers.Linear(num_input_dims=d, monotonicities=[1] * d, monotonic_dominances=doms or None,
                                use_bias=False, normalization_order=1,
                                kernel_initializer=tf_keras.initializers.Constant(1.0 / d), name="linear")(x)
        span = plan.out_max - plan.out_min
        return tf_keras.layers.Rescaling(scale=span, offset=plan.out_min, name="bounds")(lin)
    monos = [1 if shaped(f) else 0 for f in spec.features]
    lo, hi = plan.init_range
    lin = tfl.layers.Linear(num_input_dims=d, monotonicities=monos, monotonic_dominances=doms or None,
                            use_bias=True, kernel_initializer=tf_keras.initializers.Constant((hi - lo) / d),
                            bias_initializer=tf_keras.initializers.Constant(lo), name="linear")(x)
    if plan.out_min is not None:
        return tf_keras.layers.ReLU(threshold=0.0, name="lower_bound")(lin - plan.out_min) + plan.out_min
    if plan.out_max is not None:
        return plan.out_max - tf_keras.layers.ReLU(name="upper_bound")(plan.out_max - lin)
    return lin


def lattice_constraints(spec: Spec, plan: Plan, subset: list[int]) -> LatticeConstraints:
    """The constraints of the lattice over ``subset``, in its local feature indices (no TensorFlow)."""
    idx_global = {n: i for i, n in enumerate(spec.feature_names)}
    local = {g: i for i, g in enumerate(subset)}
    c = LatticeConstraints(sizes=[plan.lattice_dims[g] for g in subset],
                           monotonic=[1 if shaped(spec.features[g]) else 0 for g in subset])
    for inter in spec.interactions:
        a, b = idx_global[inter.features[0]], idx_global[inter.features[1]]
        if a not in local or b not in local:
            continue
        if isinstance(inter, Trust):
            by = spec.features[b]
            # Lattice coordinates run with each calibrator; flip the direction when 'by' is decreasing.
            by_sign = by.monotonic if isinstance(by, NumericFeature) and by.monotonic else 1
            direction = inter.direction * by_sign
            (c.edgeworth if inter.kind == "edgeworth" else c.trapezoid).append((local[a], local[b], direction))
        elif isinstance(inter, Dominance):
            (c.monotonic_dominance if inter.kind == "monotonic" else c.range_dominance).append((local[a], local[b]))
    return c


def keypoint_problems(schema: Any) -> list[Problem]:
    """TensorFlow Lattice calibrates in 32-bit floats: keypoints that are distinct numbers but equal in
    float32 (a large offset with a small spread, such as Unix times over minutes) make its calibrator
    refuse them, and that refusal used to surface as a problem with ``model``."""
    problems = []
    for fs in schema.features:
        if fs.kind != "numeric" or fs.keypoints is None or len(fs.keypoints) < 2:
            continue
        kp = np.asarray(fs.keypoints, dtype=np.float64)
        kp32 = kp.astype(np.float32)
        if np.all(np.diff(kp32) > 0):
            continue
        same = int(np.sum(np.diff(kp32) <= 0))
        problems.append(Problem(
            f"features.{fs.name}.keypoints", "keypoints that stay distinct in 32-bit floats (TensorFlow Lattice "
            "calibrates in float32, about 7 significant digits)",
            f"{len(kp)} keypoints from {kp[0]:.10g} to {kp[-1]:.10g}, {same} of whose gaps vanish in float32",
            f"Subtract an offset from column {fs.name!r} (e.g. x - {kp[0]:.6g}, or time since the first date) or "
            "rescale it, and its keypoints or clip range with it; the Bayesian backend computes in 64-bit floats.",
            fs.name, "keypoints"))
    return problems


def verify_plan(spec: Spec, plan: Plan) -> None:
    """Refuse lattices whose trust and dominance constraints leave a feature no possible effect.

    A linear programme over the vertex values of each lattice (:mod:`.feasibility`) decides
    it exactly, for TensorFlow Lattice's definitions of the constraints. The pairs whose
    reason is known are refused earlier, with it, by :func:`verify_spec`.
    """
    problems: list[Problem] = []
    flagged: set[str] = set()
    for k, subset in enumerate(plan.lattices):
        flat = [spec.feature_names[subset[i]] for i in flat_features(lattice_constraints(spec, plan, subset))]
        if not flat or set(flat) <= flagged:
            continue
        flagged.update(flat)
        culprits = [i for i in spec.interactions if set(flat) & set(i.features)]
        described = "; ".join(_describe(i) for i in culprits)
        where = "lattice" if len(plan.lattices) == 1 else f"lattice {k} of the ensemble"
        problems.append(Problem(
            "interactions", "interactions that leave every feature of a lattice some possible effect",
            f"{described}: together they hold {', '.join(map(repr, flat))} constant in the {where}",
            "No lattice satisfies these constraints unless it ignores those features (checked by a linear "
            "programme over the lattice's vertex values). Use trust: edgeworth, or drop or reverse one of "
            "the dominances.", flat[0], "interactions"))
    if problems:
        raise SpecError(problems, title="Spec cannot be compiled by the lattice backend")


def _describe(inter) -> str:
    if isinstance(inter, Trust):
        return f"{inter.kind} trust of {inter.feature!r} by {inter.by!r}"
    return f"{inter.kind} dominance of {inter.feature!r} over {inter.over!r}"


def build_lattice(spec: Spec, plan: Plan, calibrated, subset: list[int], k: int):
    """One lattice over the features in ``subset`` with its constraints."""
    tf, tf_keras, tfl = _tf()
    c = lattice_constraints(spec, plan, subset)
    monos = ["increasing" if m else "none" for m in c.monotonic]
    lo, hi = plan.init_range
    init = tfl.lattice_layer.LinearInitializer(lattice_sizes=c.sizes, monotonicities=c.monotonic,
                                               output_min=lo, output_max=hi)
    if len(calibrated) > 1 or len(subset) > 1:
        xs = [calibrated[g] for g in subset]
        x = tf_keras.layers.Concatenate(name=f"lattice_{k}_in")(xs) if len(xs) > 1 else xs[0]
    else:
        x = calibrated[subset[0]]
    return tfl.layers.Lattice(
        lattice_sizes=c.sizes, monotonicities=monos,
        edgeworth_trusts=c.edgeworth or None, trapezoid_trusts=c.trapezoid or None,
        monotonic_dominances=c.monotonic_dominance or None, range_dominances=c.range_dominance or None,
        output_min=plan.out_min, output_max=plan.out_max, kernel_initializer=init, name=f"lattice_{k}",
    )(x)
