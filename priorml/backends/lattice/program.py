"""Training and inference of a compiled lattice model.

:class:`LatticeProgram` is plain state (spec, schema, plan, weights as numpy
arrays); the Keras model is rebuilt on demand, so pickling and saving never
touch TensorFlow objects.

Training does not use ``Model.fit``. One :class:`_Trainer` per fit traces a
single TensorFlow function that runs a whole chunk of epochs (shuffled
mini-batches, Adam, the TFL projections after every step, and the validation
loss after every epoch), with dynamic shapes so that the last, partial batch
and differently sized splits never retrace it. The early-stopping runs and the
final refit reuse that one function and one model: weights and optimizer state
are reset in place between runs, so a fit pays for one trace, not three.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...spec import Spec
from ...spec.schema import Schema
from .compiler import Plan, _tf, build_model


@dataclass
class TrainConfig:
    """How a :class:`LatticeProgram` is trained (see the estimators' docstrings for the meaning).

    ``patience=None`` and ``min_epochs=None`` resolve to :func:`auto_patience` and
    :func:`auto_min_epochs` of the maximum number of epochs.
    """

    epochs: int = 500
    batch_size: int | None = None
    learning_rate: float = 0.01
    validation_fraction: float = 0.2
    validation_splits: int = 3
    patience: int | None = None
    min_epochs: int | None = None
    refit: bool = True
    random_state: int | None = 0
    verbose: int = 0


def _auto_batch(n: int) -> int:
    """About 8 steps per epoch, between 16 and 256 rows a batch (smoother validation curves
    than smaller batches: chosen by cross-validation on Auto MPG training rows)."""
    return int(np.clip(n // 8, 16, 256))


def auto_patience(epochs: int) -> int:
    """Early-stopping patience: a tenth of the epoch budget, at least 20 epochs."""
    return int(min(epochs, max(20, epochs // 10)))


def auto_min_epochs(epochs: int) -> int:
    """Fewest epochs early stopping may choose: a fifth of the epoch budget (100 of the default 500)."""
    return int(max(1, epochs // 5))


def _seed(seed: int | None) -> None:
    """Seed TensorFlow (weight initialisers) without disturbing the caller's NumPy/random state."""
    tf, tf_keras, _ = _tf()
    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        tf_keras.utils.set_random_seed(0 if seed is None else int(seed) % (2**31))
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def validation_splits(n: int, fraction: float, splits: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Row indices held out by each internal split: consecutive blocks of one random permutation.

    The blocks are disjoint while ``splits * fraction <= 1`` (e.g. 3 splits of 20 % hold out
    60 % of the rows once each); beyond that they wrap around the permutation.
    """
    n_val = int(round(fraction * n))
    perm = rng.permutation(n)
    return [np.take(perm, np.arange(k * n_val, (k + 1) * n_val), mode="wrap") for k in range(splits)]


def choose_epochs(curve: np.ndarray, min_epochs: int) -> int:
    """Epoch count (1-based) with the lowest mean validation loss, not fewer than ``min_epochs``."""
    start = min(max(min_epochs, 1), len(curve)) - 1
    return int(start + np.argmin(curve[start:]) + 1)


def stop_point(curve: np.ndarray, patience: int, min_epochs: int) -> int | None:
    """The number of epochs after which early stopping ends training, or None to go on.

    Training stops once ``patience`` epochs have passed without a new lowest validation
    loss, and never before ``min_epochs + patience`` epochs. Depends only on ``curve``, so
    running epochs in chunks gives the same answer as checking after every epoch.
    """
    start = max(min_epochs, 1) - 1
    if len(curve) <= start:
        return None
    best = start
    for t in range(start + 1, len(curve)):
        if curve[t] < curve[best]:
            best = t
        elif t - best >= patience:
            return t + 1
    return None


def _pin_clamped_ends(layer) -> None:
    """Make a monotone calibrator clamped at both ends reach both output bounds exactly.

    Range statements (trapezoid trust, range dominance) need the calibrator to span the whole
    lattice axis; TFL's convexity projection can leave the far end off by ~1e-4. The kernel is
    ``[start value, increments...]``: setting the start to its bound and scaling every increment
    by one positive factor keeps monotonicity and convexity/concavity exactly.
    """
    mono = {"increasing": 1, "decreasing": -1, "none": 0}.get(layer.monotonicity, layer.monotonicity)
    if not (layer.clamp_min and layer.clamp_max and mono) or layer.output_min is None or layer.output_max is None:
        return
    kernel = np.array(layer.kernel.numpy(), dtype=np.float64)
    start, end = (layer.output_min, layer.output_max) if mono == 1 else (layer.output_max, layer.output_min)
    total = kernel[1:].sum(axis=0)
    ok = np.sign(total) == np.sign(end - start)
    scale = np.where(ok, (end - start) / np.where(total == 0, 1.0, total), 1.0)
    kernel[0] = np.where(ok, start, kernel[0])
    kernel[1:] *= scale
    layer.kernel.assign(kernel.astype(layer.kernel.dtype.as_numpy_dtype))


def _fit_into_bounds(layer) -> None:
    """Move a calibrator's outputs inside its output bounds, keeping its shape exactly.

    TFL's projection of bounds together with monotonicity and convexity is not exact: a
    concave calibrator on [0, 1] was left at -0.0012 (found by the certificate's property
    test). The lattice then clips its input there, and the clipped curve is no longer concave.
    A positive affine map of the outputs (shift, and shrink only if the span is too wide)
    keeps monotonicity and convexity/concavity exactly; within bounds it is a no-op.
    """
    lo, hi = layer.output_min, layer.output_max
    if lo is None or hi is None or getattr(layer, "missing_input_value", None) is not None:
        return
    kernel = np.array(layer.kernel.numpy(), dtype=np.float64)  # [start value, increments...] per unit
    values = kernel[0] + np.concatenate([np.zeros((1, kernel.shape[1])), np.cumsum(kernel[1:], axis=0)])
    vmin, vmax = values.min(axis=0), values.max(axis=0)
    if np.all(vmin >= lo) and np.all(vmax <= hi):
        return
    scale = np.minimum(1.0, (hi - lo) / np.maximum(vmax - vmin, 1e-300))
    new_min = np.clip(vmin * scale, lo, hi - (vmax - vmin) * scale)
    offset = new_min - vmin * scale
    kernel[0] = kernel[0] * scale + offset
    kernel[1:] *= scale
    layer.kernel.assign(kernel.astype(layer.kernel.dtype.as_numpy_dtype))


def _project_until_feasible(tf, layer, max_rounds: int = 500, tol: float = 1e-7) -> None:
    """Repeat TFL's projection of a lattice kernel until it stops moving.

    TFL projects the kernel after every training step with a few Dykstra iterations, which leaves
    joint constraints (range dominance together with output bounds or trust) violated by up to ~0.1
    at the end of training (found by the property test of the certificate). Alternating the
    projection from the final kernel converges to a kernel that satisfies all of them; when only
    monotonicity is declared, the first round changes nothing and the loop stops at once.
    """
    constraint = getattr(layer.kernel, "constraint", None)
    if constraint is None:
        return
    for _ in range(max_rounds):
        new = constraint(layer.kernel)
        delta = float(tf.reduce_max(tf.abs(new - layer.kernel)))
        layer.kernel.assign(new)
        if delta <= tol:
            return


def _report_final(cfg: TrainConfig, epochs: int, rows: int, loss: np.ndarray) -> None:
    """With ``verbose``, one line per final training run (and, above 1, its loss every tenth epoch)."""
    if not cfg.verbose:
        return
    if cfg.verbose > 1:
        for e in range(0, len(loss), max(1, len(loss) // 10)):
            print(f"  epoch {e + 1}/{epochs}: training loss {loss[e]:.6g}", flush=True)
    print(f"final run: {epochs} epochs on {rows} rows, training loss {loss[-1]:.6g}" if len(loss) else
          f"final run: 0 epochs on {rows} rows", flush=True)


class _Trainer:
    """One Keras model and one traced training function, reused for every run of a fit."""

    def __init__(self, model, task: str, learning_rate: float):
        tf, tf_keras, _ = _tf()
        self.model = model
        self.variables = list(model.trainable_variables)
        self.optimizer = tf_keras.optimizers.Adam(learning_rate=learning_rate)
        self.optimizer.build(self.variables)
        self.initial = [np.array(v.numpy()) for v in model.variables]
        self.classification = task == "classification"
        d = len(model.inputs)
        f32, i32 = tf.float32, tf.int32
        signature = [tf.TensorSpec([None, d], f32), tf.TensorSpec([None], f32), tf.TensorSpec([None], f32),
                     tf.TensorSpec([None, None], i32), tf.TensorSpec([], i32),
                     tf.TensorSpec([None, d], f32), tf.TensorSpec([None], f32), tf.TensorSpec([None], f32)]
        self._tf_module = tf
        self._run = tf.function(self._epochs, input_signature=signature, autograph=False)
        # One trace per fit is the design (module docstring), but TensorFlow keys its "triggered tf.function
        # retracing" warning on the Python code, so the sixth fit in a process (a grid search, compare) logged
        # it on stderr whatever ``verbose`` said. Tell it this retracing is expected.
        if hasattr(self._run, "_omit_frequent_tracing_warning"):
            self._run._omit_frequent_tracing_warning = True

    # -------------------------------------------------------------- graph
    def _loss(self, x, y, training: bool):
        tf = self._tf_module
        d = len(self.model.inputs)
        out = tf.reshape(self.model([x[:, j:j + 1] for j in range(d)], training=training), [-1])
        if self.classification:
            return tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=out)
        return tf.square(y - out)

    def _epochs(self, X, y, w, perms, batch, Xv, yv, wv):
        """Run ``len(perms)`` epochs; return the mean training loss and validation loss of each.

        Written with explicit ``tf.while_loop`` (no AutoGraph conversion, which is slow to trace).
        """
        tf = self._tf_module
        n = tf.shape(X)[0]
        n_batches = (n + batch - 1) // batch
        n_epochs = tf.shape(perms)[0]
        wv_sum = tf.maximum(tf.reduce_sum(wv), 1e-12)

        def step(e, b, total):
            idx = perms[e, b * batch:tf.minimum((b + 1) * batch, n)]
            xb, yb, wb = tf.gather(X, idx), tf.gather(y, idx), tf.gather(w, idx)
            with tf.GradientTape() as tape:
                # Keras' weighted mean: sum(w * loss) / rows in the batch.
                loss = tf.reduce_sum(wb * self._loss(xb, yb, True)) / tf.cast(tf.shape(idx)[0], tf.float32)
                if self.model.losses:
                    loss += tf.add_n(self.model.losses)
            grads = tape.gradient(loss, self.variables)
            update = self.optimizer.apply_gradients(zip(grads, self.variables))
            with tf.control_dependencies([update]):
                return e, b + 1, total + loss

        def epoch(e, train_curve, val_curve):
            _, _, total = tf.while_loop(lambda e_, b, t: b < n_batches, step, (e, tf.constant(0), tf.constant(0.0)))
            with tf.control_dependencies([total]):
                val = tf.reduce_sum(wv * self._loss(Xv, yv, False)) / wv_sum
            return (e + 1, train_curve.write(e, total / tf.cast(n_batches, tf.float32)), val_curve.write(e, val))

        curves = (tf.TensorArray(tf.float32, size=n_epochs), tf.TensorArray(tf.float32, size=n_epochs))
        _, train_curve, val_curve = tf.while_loop(lambda e, a, b: e < n_epochs, epoch, (tf.constant(0),) + curves)
        return train_curve.stack(), val_curve.stack()

    # -------------------------------------------------------------- state
    def reset(self) -> None:
        """Initial weights and a fresh optimizer (zero moments, step 0), in place."""
        for v, w in zip(self.model.variables, self.initial):
            v.assign(w)
        for v in self.optimizer.variables:
            v.assign(np.zeros(v.shape, dtype=v.dtype.as_numpy_dtype))

    def state(self) -> list[np.ndarray]:
        return [np.array(v.numpy()) for v in self.model.variables] + \
            [np.array(v.numpy()) for v in self.optimizer.variables]

    def set_state(self, state: list[np.ndarray]) -> None:
        for v, w in zip(list(self.model.variables) + list(self.optimizer.variables), state):
            v.assign(w)

    def run(self, X, y, w, perms, batch: int, Xv=None, yv=None, wv=None) -> tuple[np.ndarray, np.ndarray]:
        """Train for ``len(perms)`` epochs (row order of epoch e: ``perms[e]``)."""
        if Xv is None:
            Xv, yv, wv = X[:0], y[:0], w[:0]
        train, val = self._run(X, y, w, np.asarray(perms, dtype=np.int32), np.int32(min(batch, len(X))), Xv, yv, wv)
        return np.asarray(train, dtype=float), np.asarray(val, dtype=float)


@dataclass
class LatticeProgram:
    spec: Spec
    schema: Schema
    plan: Plan
    weights: list[np.ndarray] = field(default_factory=list)
    history: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int = 0
    learning_rate: float = 0.01
    _model: Any = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ state
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_model"] = None
        state.pop("_head", None)
        state.pop("_predict_fn", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def model(self):
        """The Keras model, rebuilt from the plan and weights when needed."""
        if self._model is None:
            _seed(0)
            self._model = build_model(self.spec, self.schema, self.plan, learning_rate=self.learning_rate)
            if self.weights:
                self._model.set_weights(self.weights)
        return self._model

    # ------------------------------------------------------------------ training
    def fit(self, X: np.ndarray, y: np.ndarray, cfg: TrainConfig, sample_weight: np.ndarray | None = None) -> "LatticeProgram":
        """Train on encoded inputs ``X`` and model-scale targets ``y``.

        With ``validation_fraction > 0`` and enough rows, the number of epochs is chosen by
        early stopping on ``validation_splits`` internal splits of the *training* rows, trained
        side by side: the epoch with the lowest validation loss averaged over the splits (not
        before ``min_epochs``) wins. With ``refit=True`` the model is then retrained on all rows
        for that many epochs (same initial weights, same steps per epoch); otherwise the model of
        the first split, retrained to that epoch, is kept.
        """
        X = np.ascontiguousarray(X, dtype=np.float32)
        y = np.asarray(y, dtype=np.float32).reshape(-1)
        n = X.shape[0]
        w = np.ones(n, np.float32) if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
        self.learning_rate = cfg.learning_rate
        rng = np.random.default_rng(cfg.random_state)
        patience = cfg.patience if cfg.patience is not None else auto_patience(cfg.epochs)
        min_epochs = min(cfg.epochs, cfg.min_epochs if cfg.min_epochs is not None else auto_min_epochs(cfg.epochs))
        n_val = int(round(cfg.validation_fraction * n))
        use_val = cfg.validation_fraction > 0 and cfg.validation_splits > 0 and n_val >= 10 and n - n_val >= 10
        trainer = self._trainer(cfg)

        def batch_for(rows: int) -> int:
            return min(cfg.batch_size or _auto_batch(rows), rows)

        epochs, stop = cfg.epochs, None
        if use_val:
            vals = validation_splits(n, cfg.validation_fraction, cfg.validation_splits, rng)
            parts = [(np.setdiff1d(np.arange(n), v), v) for v in vals]
            orders = [np.random.default_rng([int(cfg.random_state or 0), k + 1]) for k in range(len(parts))]
            states = [None] * len(parts)
            curves: list[list[float]] = [[] for _ in parts]
            chunk = max(5, min(50, patience // 2))
            while len(curves[0]) < cfg.epochs:
                e = min(chunk, cfg.epochs - len(curves[0]))
                for k, (tr, va) in enumerate(parts):
                    if states[k] is None:
                        trainer.reset()
                    else:
                        trainer.set_state(states[k])
                    perms = np.stack([orders[k].permutation(len(tr)) for _ in range(e)])
                    _, val = trainer.run(X[tr], y[tr], w[tr], perms, batch_for(len(tr)), X[va], y[va], w[va])
                    curves[k].extend(val.tolist())
                    states[k] = trainer.state()
                mean_curve = np.mean(curves, axis=0)
                stop = stop_point(mean_curve, patience, min_epochs)
                if cfg.verbose:
                    best = int(np.argmin(mean_curve))
                    print(f"early stopping: epoch {len(mean_curve)}/{cfg.epochs}, mean validation loss "
                          f"{mean_curve[-1]:.6g} (lowest {mean_curve[best]:.6g} at epoch {best + 1})", flush=True)
                if stop is not None:
                    break
            mean_curve = np.mean(curves, axis=0)
            if stop is not None:
                mean_curve, curves = mean_curve[:stop], [c[:stop] for c in curves]
            epochs = choose_epochs(mean_curve, min_epochs)
            if cfg.verbose:
                print(f"early stopping: {epochs} epochs chosen over {cfg.validation_splits} validation splits",
                      flush=True)
            self.history = {"val_loss": mean_curve.tolist(), "val_loss_splits": [list(c) for c in curves]}
            self.best_epoch = epochs
            if not cfg.refit:  # replay the first split up to the chosen epoch (deterministic)
                tr, va = parts[0]
                order = np.random.default_rng([int(cfg.random_state or 0), 1])
                trainer.reset()
                perms = np.stack([order.permutation(len(tr)) for _ in range(epochs)])
                loss, _ = trainer.run(X[tr], y[tr], w[tr], perms, batch_for(len(tr)))
                self.history["loss"] = loss.tolist()
                _report_final(cfg, epochs, len(tr), loss)
                self._finish(trainer.model)
                return self
        trainer.reset()
        order = np.random.default_rng([int(cfg.random_state or 0), 0])
        perms = np.stack([order.permutation(n) for _ in range(epochs)])
        loss, _ = trainer.run(X, y, w, perms, batch_for(n))
        self.history["loss"] = loss.tolist()
        _report_final(cfg, epochs, n, loss)
        if not use_val:
            self.best_epoch = epochs
        self._finish(trainer.model)
        return self

    def _trainer(self, cfg: TrainConfig) -> _Trainer:
        _seed(cfg.random_state)
        self._model = build_model(self.spec, self.schema, self.plan, learning_rate=cfg.learning_rate)
        self._head = None
        self._predict_fn = None
        return _Trainer(self._model, self.plan.task, cfg.learning_rate)

    def _finish(self, model) -> None:
        """Project once more so that every lattice constraint holds strictly, then store weights."""
        tf, tf_keras, tfl = _tf()
        for layer in model.layers:
            if isinstance(layer, tfl.layers.Lattice):
                _project_until_feasible(tf, layer)
                layer.finalize_constraints()
            elif isinstance(layer, tfl.layers.PWLCalibration):
                _pin_clamped_ends(layer)
                _fit_into_bounds(layer)
        self._model = model
        self.weights = [np.asarray(w) for w in model.get_weights()]

    def check_constraints(self, eps: float = 1e-4) -> None:
        """Raise a ValueError naming the first layer whose weights break its constraints.

        Uses each TFL layer's own ``assert_constraints`` (monotonicity, shape, bounds, trust, dominance,
        normalisation), with a tolerance in model units far above what training leaves (trained models pass
        at 1e-6) and far below a real breach. For weights that did not come from training (a loaded model).
        """
        tf, tf_keras, tfl = _tf()
        for layer in self.model.layers:
            check = getattr(layer, "assert_constraints", None)
            if check is None:
                continue
            try:
                check(eps=eps)
            except tf.errors.InvalidArgumentError:
                raise ValueError(f"the weights of layer {layer.name!r} ({type(layer).__name__}) break its "
                                 f"constraints (beyond {eps:g} in model units)") from None

    # ------------------------------------------------------------------ inference
    def _inputs(self, X: np.ndarray) -> list[np.ndarray]:
        X = np.asarray(X, dtype=np.float32)
        return [X[:, j:j + 1] for j in range(X.shape[1])]

    def predict_raw(self, X: np.ndarray, batch: int = 8192) -> np.ndarray:
        """Model output: scaled target (regression) or logit (classification)."""
        model = self.model
        out = np.empty(X.shape[0], dtype=float)
        for start in range(0, X.shape[0], batch):
            part = X[start:start + batch]
            out[start:start + batch] = np.asarray(model(self._inputs(part), training=False)).reshape(-1)
        return out

    def calibrated(self, X: np.ndarray) -> np.ndarray:
        """Calibrator outputs (n, d): the lattice's input coordinates, for certificates."""
        tf, tf_keras, tfl = _tf()
        model = self.model
        outs = []
        for j in range(X.shape[1]):
            names = {l.name for l in model.layers}
            name = f"calib_{j}" if f"calib_{j}" in names else f"calib_{j}_mode"
            outs.append(model.get_layer(name).output)
        sub = tf_keras.Model(model.inputs, outs)
        res = sub(self._inputs(X), training=False)
        res = res if isinstance(res, (list, tuple)) else [res]
        return np.column_stack([np.asarray(r).reshape(-1) for r in res])

    def head(self, C: np.ndarray) -> np.ndarray:
        """The combiner (everything after the calibrators) evaluated at calibrated inputs ``C``.

        Used to certify constraints that are defined on calibrated inputs
        (monotonic dominance). Built from fresh layers with the trained weights.
        """
        from .compiler import build_lattice, build_linear

        tf, tf_keras, tfl = _tf()
        if getattr(self, "_head", None) is None:
            inputs = [tf_keras.Input(shape=(1,), name=f"c{j}") for j in range(C.shape[1])]
            if self.plan.model_type == "linear":
                out = build_linear(self.spec, self.plan, inputs)
            else:
                outs = [build_lattice(self.spec, self.plan, inputs, subset, k) for k, subset in enumerate(self.plan.lattices)]
                out = outs[0] if len(outs) == 1 else tf_keras.layers.Average()(outs)
            head = tf_keras.Model(inputs, out)
            full = {l.name: l for l in self.model.layers}
            for layer in head.layers:
                if layer.weights and layer.name in full:
                    layer.set_weights(full[layer.name].get_weights())
            self._head = head
        return np.asarray(self._head(self._inputs(C), training=False)).reshape(-1)

    def layer_summary(self) -> list[dict[str, Any]]:
        """Per-layer description (name, type, parameter count) for reports."""
        model = self.model
        return [{"name": l.name, "type": type(l).__name__, "params": int(l.count_params())} for l in model.layers
                if l.count_params()]
