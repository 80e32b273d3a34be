"""scikit-learn estimators backed by TensorFlow Lattice."""

from __future__ import annotations

import os
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from ..errors import PriorMLError, Problem, SpecError
from ..spec import Spec
from ._base import (BinaryClassifierMixin, SpecEstimator, int_seed, check_fit_input, check_predict_input, check_sample_weight, encode_classes, fit_schema,
                    training_data_record)

__all__ = ["LatticeRegressor", "LatticeClassifier"]


class _LatticeBase(SpecEstimator):
    _task: str = "regression"

    _parameter_constraints: dict = {
        "spec": [Spec, dict, str, os.PathLike, None],
        "model": [StrOptions({"auto", "linear", "lattice", "ensemble"})],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "lattice_size": [Interval(Integral, 2, None, closed="left")],
        "n_lattices": [Interval(Integral, 1, None, closed="left"), None],
        "lattice_rank": [Interval(Integral, 2, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "validation_splits": [Interval(Integral, 1, None, closed="left")],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "min_epochs": [Interval(Integral, 1, None, closed="left"), None],
        "refit": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        spec: Spec | dict | str | None = None,
        *,
        model: Literal["auto", "linear", "lattice", "ensemble"] = "auto",
        epochs: int = 500,
        batch_size: int | None = None,
        learning_rate: float = 0.01,
        lattice_size: int = 2,
        n_lattices: int | None = None,
        lattice_rank: int = 3,
        validation_fraction: float = 0.2,
        validation_splits: int = 3,
        patience: int | None = None,
        min_epochs: int | None = None,
        refit: bool = True,
        random_state: int | None = 0,
        verbose: int = 0,
    ):
        self.spec = spec
        self.model = model
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.lattice_size = lattice_size
        self.n_lattices = n_lattices
        self.lattice_rank = lattice_rank
        self.validation_fraction = validation_fraction
        self.validation_splits = validation_splits
        self.patience = patience
        self.min_epochs = min_epochs
        self.refit = refit
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit
    def _fit(self, X: Any, y: Any, sample_weight: Any = None) -> "_LatticeBase":
        from ..backends import get_backend

        backend = get_backend("lattice")
        self._reset_fitted()
        spec, yv = check_fit_input(self, X, y, self._task)
        if self._task == "classification":
            self.classes_, y_model = encode_classes(yv)
        schema, Xenc, Xraw = fit_schema(spec, X, yv, spec_given=self.spec is not None)
        if self._task == "regression":
            y_model = schema.scale_y(yv)
        sw = check_sample_weight(sample_weight, Xenc.shape[0])
        # the digest of the rows as read (imputed, not clipped: values beyond the keypoints count)
        record = training_data_record(Xraw,
                                      yv if self._task == "regression" else y_model, sw)
        model_type = self.model if self.model != "auto" else backend.choose_model_type(spec, Xenc.shape[0], self.lattice_size)
        backend.verify_spec(spec, model_type, self.lattice_size, schema)
        seed = int_seed(self.random_state)
        plan = backend.plan_model(spec, schema, y_model, model_type=model_type, lattice_size=self.lattice_size,
                                  n_lattices=self.n_lattices, lattice_rank=self.lattice_rank, random_state=seed)
        backend.verify_plan(spec, plan)
        cfg = backend.TrainConfig(epochs=self.epochs, batch_size=self.batch_size, learning_rate=self.learning_rate,
                                  validation_fraction=self.validation_fraction,
                                  validation_splits=self.validation_splits, patience=self.patience,
                                  min_epochs=self.min_epochs,
                                  refit=self.refit, random_state=seed, verbose=int(self.verbose))
        program = backend.LatticeProgram(spec, schema, plan)
        try:
            program.fit(Xenc, y_model.astype(np.float32), cfg, sample_weight=sw)
        except (ValueError, TypeError) as exc:  # TFL refuses a layer configuration
            raise SpecError([Problem("model", f"a spec that TensorFlow Lattice can compile as model={model_type!r}",
                                     str(exc).splitlines()[0][:300], "Try another model type or simplify the constraints.")],
                            title="Spec cannot be compiled by the lattice backend") from None
        if not np.all(np.isfinite(program.weights[0])) or not all(np.all(np.isfinite(w)) for w in program.weights):
            raise PriorMLError("Training diverged (non-finite weights); lower learning_rate or check the data scale.")
        self.spec_ = spec
        self.schema_ = schema
        self.program_ = program
        self.model_type_ = model_type
        self.n_epochs_ = program.best_epoch
        self.training_data_ = record
        return self

    def _raw(self, X: Any) -> np.ndarray:
        check_predict_input(self, X)
        return self.program_.predict_raw(self.schema_.transform(self.spec_, X))

    # ------------------------------------------------------------------ certificate hooks
    def _enforcement(self, kind: str, key: Any) -> tuple[str, str]:
        """How the lattice backend enforces a constraint (for certificates)."""
        model = getattr(self, "model_type_", "?")
        if kind == "monotonic":
            return "projection", ("calibrator increments clipped to the right sign after every step (exact); "
                                  "combiner increasing in the calibrated input")
        if kind in ("convex", "concave"):
            return "projection", (f"calibrator slopes projected to be {kind} after every step (strictly feasible); "
                                  "combiner affine and increasing along the feature (linear weight >= 0 or lattice size 2)")
        if kind == "unimodal":
            return "projection", "increasing calibrator into a 1-D unimodal lattice, combiner increasing in its output"
        if kind == "order":
            return "projection", "categorical calibrator outputs projected onto the declared order after every step"
        if kind in ("trust", "dominance"):
            if model == "linear" and kind == "trust":
                out = getattr(self, "spec_", None) and self.spec_.output
                one_bound = out is not None and (out.min is None) != (out.max is None)
                return "construction", ("additive model: no interaction, trust holds trivially" + (
                    " (the clamp at the output bound bends the right way for the condition's declared direction)"
                    if one_bound else ""))
            if model == "linear":
                return "projection", "linear weights projected so the dominant one is larger"
            return "projection", "lattice parameters projected each step and finalized exactly after training"
        if kind == "output":
            return "projection", ("lattice vertex values clipped to the bounds; interpolation stays inside"
                                  if model != "linear" else "normalized non-negative weights over bounded calibrators")
        return "unknown", ""

    def _certify_monotonic_dominance(self, ref, a: str, b: str, grid: int = 5) -> tuple[int, float, str]:
        """Finite differences of the combiner along two calibrated inputs: at the calibrated reference rows,
        and at each row with the two inputs swept together over a ``grid`` x ``grid`` grid of their whole
        calibrated ranges (ends included), where no data may lie."""
        Xenc = self.schema_.transform(self.spec_, ref)
        C = self.program_.calibrated(Xenc)
        ia, ib = self.spec_.feature_names.index(a), self.spec_.feature_names.index(b)
        # each calibrated input spans [0, its lattice size - 1] (a convex feature has size 2 whatever lattice_size)
        his = [1.0 if self.model_type_ == "linear" else float(self.program_.plan.lattice_dims[j] - 1) for j in (ia, ib)]
        h = 0.05 * min(his)
        ga, gb = np.meshgrid(np.linspace(0, his[0], grid), np.linspace(0, his[1], grid), indexing="ij")
        swept = np.repeat(C, grid * grid, axis=0)
        swept[:, ia] = np.tile(ga.ravel(), len(C))
        swept[:, ib] = np.tile(gb.ravel(), len(C))
        points = np.vstack([C, swept])
        rows = []
        for j, hi in zip((ia, ib), his):
            plus, minus = points.copy(), points.copy()
            plus[:, j] = np.clip(points[:, j] + h, 0, hi)
            minus[:, j] = np.clip(points[:, j] - h, 0, hi)
            rows.append((plus, minus, plus[:, j] - minus[:, j]))
        # slopes at the same points, with the same step where the clip allows it
        ok = (rows[0][2] > 0) & (rows[1][2] > 0)
        sa = (self.program_.head(rows[0][0]) - self.program_.head(rows[0][1]))[ok] / rows[0][2][ok]
        sb = (self.program_.head(rows[1][0]) - self.program_.head(rows[1][1]))[ok] / rows[1][2][ok]
        viol = float(np.max(sb - sa)) * h if ok.any() else 0.0
        n_rows = int(ok[:len(C)].sum())
        return (int(4 * ok.sum()), np.array([viol]),
                f"calibrated inputs of {n_rows} of {len(C)} rows, and a {grid} x {grid} grid of both calibrated "
                f"ranges at each row; step {h:.3g}")

    def _get_saved_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        prog = self.program_
        meta = {"model_type": self.model_type_, "plan": prog.plan.to_dict(), "best_epoch": prog.best_epoch,
                "learning_rate": prog.learning_rate, "history": prog.history, "n_weights": len(prog.weights)}
        return meta, {f"w{i}": w for i, w in enumerate(prog.weights)}

    def _set_saved_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Rebuild the program from saved state; a ValueError names what is inconsistent (the caller makes it a
        ModelFormatError). Checked: the plan against the spec and schema it was made from, the weights (finite
        floats) and that they obey every constraint (TensorFlow Lattice's own checks of each layer), so that
        a damaged arrays.npz cannot load and predict in breach of the spec."""
        from ..backends.lattice import MODEL_TYPES, LatticeProgram, Plan

        def wrong(key: str, expected: str, value: Any) -> None:
            raise ValueError(f"key state.{key}: expected {expected}; got {value!r}")

        for key, value in (("model_type", meta["model_type"]), ("plan.model_type", meta["plan"]["model_type"])):
            if value not in MODEL_TYPES:
                wrong(key, f"one of {', '.join(map(repr, MODEL_TYPES))}", value)
        plan = Plan.from_dict(meta["plan"])
        if meta["model_type"] != plan.model_type:
            wrong("model_type", f"the plan's model type {plan.model_type!r}", meta["model_type"])
        if plan.task != self._task:
            wrong("plan.task", f"{self._task!r} for a {type(self).__name__}", plan.task)
        out = self.spec_.output
        for key, bound in (("out_min", None if out is None else out.min), ("out_max", None if out is None else out.max)):
            want = None if bound is None else (bound - self.schema_.y_mean) / self.schema_.y_scale
            got = getattr(plan, key)
            if (want is None) != (got is None) or (want is not None and not (isinstance(got, Real)
                                                                           and np.isclose(got, want, rtol=1e-9))):
                wrong(f"plan.{key}", f"{want!r} (the spec's output bound in model units)", got)
        best = meta["best_epoch"]
        if not isinstance(best, Integral) or isinstance(best, bool) or best < 0:
            wrong("best_epoch", "a non-negative integer", best)
        lr = meta["learning_rate"]
        if not isinstance(lr, Real) or isinstance(lr, bool) or not np.isfinite(lr) or lr <= 0:
            wrong("learning_rate", "a positive number", lr)
        weights = [arrays[f"w{i}"] for i in range(meta["n_weights"])]
        for i, w in enumerate(weights):
            if w.dtype.kind != "f" or not np.all(np.isfinite(w)):
                raise ValueError(f"array w{i} of arrays.npz: expected finite floats; got "
                                 + (f"dtype {w.dtype}" if w.dtype.kind != "f" else "non-finite values"))
        history = meta.get("history", {})
        if not isinstance(history, dict):
            wrong("history", "a mapping of training curves", history)
        self.program_ = LatticeProgram(self.spec_, self.schema_, plan, weights, history, best, lr)
        self.program_.model  # build now: a weights/plan mismatch must fail at load, not at predict
        self.program_.check_constraints()
        self.model_type_ = meta["model_type"]
        self.n_epochs_ = best


class LatticeRegressor(RegressorMixin, _LatticeBase):
    """Calibrated lattice regression obeying a constraint spec.

    Parameters
    ----------
    spec : Spec, dict, str path or None
        The constraint spec. ``None``: every column unconstrained.
    model : {'auto', 'linear', 'lattice', 'ensemble'}
        Calibrated linear, one calibrated lattice, or an ensemble of lattices.
        ``auto`` chooses by feature count, data size and task (the rule is in
        the user guide, section 3, and the evidence for it in
        ``benchmarks/RESULTS.md``). In the calibrated
        linear model (without two-sided output bounds) a feature with no shape
        constraint gets an unbounded calibrator; for regression, with a
        smoothness penalty on the differences between neighbouring keypoint
        outputs.
    epochs : int
        Maximum epochs; early stopping on internal validation splits of the
        training rows chooses the number actually used (``n_epochs_``).
    batch_size : int or None
        Rows per step; ``None``: about 8 steps per epoch (16 to 256 rows; the
        early-stopping runs get the same number of steps per epoch as the refit).
    learning_rate : float
        Adam step size.
    lattice_size : int
        Lattice vertices per feature (features with convex/concave shape use 2).
    n_lattices, lattice_rank : int
        Ensemble size and features per lattice (``model='ensemble'``).
    validation_fraction : float
        Share of training rows held out by each early-stopping split (0 disables
        early stopping: all ``epochs`` are used). Early stopping also needs at
        least 10 held-out and 10 remaining rows; with fewer, all epochs are used.
    validation_splits : int
        Number of internal early-stopping splits. The rows are permuted once and
        split ``k`` holds out the ``k``-th block of ``validation_fraction`` of them
        (disjoint blocks: the default 3 x 20 % holds out 60 % of the rows once
        each). One model per split is trained side by side with the same initial
        weights; the epoch count with the lowest validation loss *averaged over
        the splits* is chosen, which is far less noisy on small data than one
        small split.
    patience : int or None
        Stop once the averaged validation loss has not improved for this many
        epochs. ``None``: ``max(20, epochs // 10)`` (50 for the default 500).
    min_epochs : int or None
        Fewest epochs early stopping may choose (it does not stop earlier than
        ``min_epochs + patience``). ``None``: ``epochs // 5`` (100 for the default
        500): on Auto MPG training rows the cross-validated error is flat from about
        100 epochs on, and stopping at 8-13 epochs on a noisy split was the main
        source of error (``benchmarks/RESULTS.md``).
    refit : bool
        Retrain on all training rows for the chosen number of epochs, from the
        same initial weights. ``False``: keep the model of the first split,
        trained to the chosen epoch.
    random_state : int or None
        Seed of the initial weights, the internal splits and the batch order;
        fits are deterministic on CPU for a fixed seed.
    verbose : int
        Progress on stdout: 0 nothing; 1 one line per chunk of early-stopping epochs (the mean
        validation loss so far) and one for the final training run; 2 also the final run's
        training loss at every tenth of its epochs.

    Attributes
    ----------
    spec_ : Spec
        The resolved spec. ``schema_`` holds keypoints and categories,
        ``program_`` the compiled model, ``model_type_`` the model chosen.
    n_epochs_ : int
        Epochs of the final training run (chosen by early stopping, or ``epochs``).
        ``program_.history`` holds the averaged validation curve (``val_loss``),
        one curve per split (``val_loss_splits``) and the final run's training
        loss per epoch (``loss``).

    Examples
    --------
    >>> import numpy as np, priorml
    >>> X = np.random.default_rng(0).uniform(size=(200, 2))
    >>> y = 3 * X[:, 0] - X[:, 1]
    >>> spec = priorml.Spec.from_dict({"features": {"a": {"monotonic": "increasing"}, "b": {}}})
    >>> reg = priorml.LatticeRegressor(spec, epochs=50).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)

    Raises
    ------
    SpecError
        For an invalid spec or data, naming the feature and the key.
    """

    _task = "regression"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "LatticeRegressor":
        return self._fit(X, y, sample_weight)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted target values, within the spec's output bounds."""
        raw = self._raw(X)
        pred = self.schema_.unscale_y(raw)
        out = self.spec_.output
        if out is not None:  # the model is bounded by construction; this removes float round-off only
            pred = np.clip(pred, out.min if out.min is not None else -np.inf, out.max if out.max is not None else np.inf)
        return pred


class LatticeClassifier(BinaryClassifierMixin, _LatticeBase):
    """Calibrated lattice binary classifier obeying a constraint spec.

    Constraints apply to the predicted probability of ``classes_[1]`` (the
    larger label). Parameters as :class:`LatticeRegressor`.

    Examples
    --------
    >>> import numpy as np, priorml
    >>> X = np.random.default_rng(0).uniform(size=(200, 2))
    >>> y = np.where(X[:, 0] > 0.5, "yes", "no")
    >>> clf = priorml.LatticeClassifier(epochs=50).fit(X, y)
    >>> clf.classes_.tolist()
    ['no', 'yes']
    """

    _task = "classification"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "LatticeClassifier":
        return self._fit(X, y, sample_weight)

    def decision_function(self, X: Any) -> np.ndarray:
        """Logit of the probability of ``classes_[1]``."""
        return self._raw(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        from scipy.special import expit  # the logistic function, accurate in the tails and without overflow

        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        positive = self.decision_function(X) > 0  # checks that the model is fitted before classes_ is read
        return self.classes_[positive.astype(int)]
