"""Training and inference of a compiled lattice model.

:class:`LatticeProgram` is plain state (spec, schema, plan, weights as numpy
arrays); the Keras model is rebuilt on demand, so pickling and saving never
touch TensorFlow objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...spec import Spec
from ...spec.schema import Schema
from .compiler import Plan, _tf, build_model


@dataclass
class TrainConfig:
    epochs: int = 500
    batch_size: int | None = None
    learning_rate: float = 0.01
    validation_fraction: float = 0.15
    patience: int = 50
    refit: bool = True
    random_state: int | None = 0
    verbose: int = 0


def _auto_batch(n: int) -> int:
    """About 8 steps per epoch, between 16 and 256 rows a batch (smoother validation curves
    than smaller batches: chosen by cross-validation on Auto MPG training rows)."""
    return int(np.clip(n // 8, 16, 256))


def _seed(seed: int | None) -> None:
    tf, tf_keras, _ = _tf()
    tf_keras.utils.set_random_seed(0 if seed is None else int(seed) % (2**31))


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

        With ``validation_fraction > 0`` and enough rows, the number of epochs
        is chosen by early stopping on an internal split of the *training*
        rows; with ``refit=True`` the model is then retrained on all rows for
        that many epochs.
        """
        tf, tf_keras, tfl = _tf()
        n = X.shape[0]
        batch = cfg.batch_size or _auto_batch(n)
        self.learning_rate = cfg.learning_rate
        rng = np.random.default_rng(cfg.random_state)
        n_val = int(round(cfg.validation_fraction * n))
        use_val = cfg.validation_fraction > 0 and n_val >= 10 and n - n_val >= 10
        epochs = cfg.epochs
        if use_val:
            perm = rng.permutation(n)
            val, tr = perm[:n_val], perm[n_val:]
            model = self._fresh(cfg)
            stop = tf_keras.callbacks.EarlyStopping(monitor="val_loss", patience=cfg.patience, restore_best_weights=True)
            sw = None if sample_weight is None else sample_weight[tr]
            vsw = None if sample_weight is None else sample_weight[val]
            hist = model.fit(self._inputs(X[tr]), y[tr], sample_weight=sw, batch_size=min(batch, len(tr)),
                             epochs=cfg.epochs, validation_data=(self._inputs(X[val]), y[val], vsw) if vsw is not None
                             else (self._inputs(X[val]), y[val]),
                             callbacks=[stop], verbose=cfg.verbose, shuffle=True)
            self.history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
            losses = self.history["val_loss"]
            self.best_epoch = int(np.argmin(losses)) + 1
            epochs = self.best_epoch
            if not cfg.refit:
                self._finish(model)
                return self
        model = self._fresh(cfg)
        hist = model.fit(self._inputs(X), y, sample_weight=sample_weight, batch_size=min(batch, n), epochs=epochs,
                         verbose=cfg.verbose, shuffle=True)
        if not use_val:
            self.history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
            self.best_epoch = epochs
        self._finish(model)
        return self

    def _fresh(self, cfg: TrainConfig):
        _seed(cfg.random_state)
        self._model = build_model(self.spec, self.schema, self.plan, learning_rate=cfg.learning_rate)
        self._head = None
        return self._model

    def _finish(self, model) -> None:
        """Project once more so that every lattice constraint holds strictly, then store weights."""
        tf, tf_keras, tfl = _tf()
        for layer in model.layers:
            if isinstance(layer, tfl.layers.Lattice):
                layer.finalize_constraints()
        self._model = model
        self.weights = [np.asarray(w) for w in model.get_weights()]

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
