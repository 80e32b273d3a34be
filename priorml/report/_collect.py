"""Gather everything a validation report shows into one plain-data :class:`Report`.

The report is computed once and rendered as HTML, Markdown or JSON; every
field is plain data (JSON-ready), so results saved by the command line
(``priorml compare --save``) can be rendered later without refitting.
"""

from __future__ import annotations

import hashlib
import math
import platform
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ..spec import Spec
from ..spec.spec import as_spec
from ._words import describe_spec

__all__ = ["Report", "collect_report", "holdout_split", "plain"]

VERSION_PACKAGES = ("priorml", "numpy", "pandas", "scikit-learn", "scipy", "tensorflow", "tf-keras",
                    "tensorflow-lattice", "pymc", "arviz", "matplotlib")


@dataclass
class Report:
    """The content of a validation report (plain data; see :func:`priorml.report.build_report`).

    Attributes
    ----------
    title : str
    spec : dict
        The spec in its YAML grammar (``Spec.to_dict()``).
    statements : list of dict
        The spec in words, one sentence per constraint (``kind``, ``features``, ``text``).
    model : dict
        Estimator class, backend, settings and training rows.
    certificate : dict
        :meth:`priorml.Certificate.to_dict`.
    performance : dict or None
        Held-out metrics of the model and of unconstrained baselines fitted
        on the same training rows (``rows``: one dict per model), the sizes.
    effects : dict
        Feature -> effect curve and the data behind it (see ``feature_effects``).
    comparison, learning_curve, assumptions, drift : dict or None
        ``to_dict()`` of the audit results, when given.
    diagnostics : dict or None
        Sampler diagnostics of a Bayesian fit (``diagnostics_``).
    provenance : dict
        Versions, data and spec hashes, date, command.
    """

    title: str
    spec: dict
    statements: list
    model: dict
    certificate: dict
    performance: dict | None
    effects: dict
    comparison: dict | None = None
    learning_curve: dict | None = None
    assumptions: dict | None = None
    drift: dict | None = None
    diagnostics: dict | None = None
    provenance: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data (NaN and infinities as ``None``)."""
        return plain(asdict(self))


def plain(obj: Any) -> Any:
    """Plain JSON data: numpy values unwrapped, DataFrames as lists of records, NaN/inf as ``None``."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if hasattr(obj, "columns") and hasattr(obj, "to_dict"):  # DataFrame
        return plain(obj.to_dict(orient="records"))
    if hasattr(obj, "to_dict") and callable(obj.to_dict) and not isinstance(obj, type):
        return plain(obj.to_dict())
    if isinstance(obj, np.ndarray):
        return plain(obj.tolist())
    if isinstance(obj, np.generic):
        return plain(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, (str, int, bool)) or obj is None:
        return obj
    if isinstance(obj, (Path, datetime)):
        return str(obj)
    return str(obj)


def holdout_split(spec: Spec, X: Any, y: Any, test_size: float, random_state: int = 0):
    """One random train/test split (stratified for classification), made once, before anything is fitted.

    Returns
    -------
    X_train, X_test, y_train, y_test
    """
    from sklearn.model_selection import train_test_split

    from ..errors import DataError, Problem

    strat = y if spec.task == "classification" else None
    try:
        return train_test_split(X, y, test_size=test_size, random_state=random_state, stratify=strat)
    except ValueError as exc:  # too few rows, or too few of a class for a stratified split
        raise DataError([Problem("y", f"enough rows to hold out test_size={test_size!r}"
                                 + (" with each class on both sides" if strat is not None else ""),
                                 f"{len(y)} rows ({str(exc).splitlines()[0].rstrip('.')})",
                                 "Hold out test rows yourself, change test_size, or collect more rows of the rare class.")]) from None


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in VERSION_PACKAGES:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def _frame_hash(X: Any, y: Any) -> str:
    """SHA-256 of the data's content (values and column names, not the file's bytes)."""
    import pandas as pd

    h = hashlib.sha256()
    frame = X if hasattr(X, "columns") else pd.DataFrame(np.asarray(X, dtype=object))
    h.update("\x1f".join(map(str, frame.columns)).encode())
    h.update(pd.util.hash_pandas_object(frame.reset_index(drop=True).astype(str), index=False).to_numpy().tobytes())
    h.update(np.asarray(y).astype(str).astype("U").tobytes())
    return h.hexdigest()


def _file_hash(path: str | Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def _metrics(task: str, y: np.ndarray, model: Any, X: Any) -> dict[str, float]:
    from sklearn import metrics

    if task == "classification":
        proba = np.asarray(model.predict_proba(X))[:, 1]
        classes = getattr(model, "classes_", None)
        if classes is None and hasattr(model, "steps"):
            classes = model.steps[-1][1].classes_
        yb = (np.asarray(y) == classes[1]).astype(int)
        out = {"log_loss": float(metrics.log_loss(yb, np.clip(proba, 1e-12, 1 - 1e-12), labels=[0, 1])),
               "accuracy": float(np.mean((proba >= 0.5) == yb)), "brier": float(np.mean((proba - yb) ** 2))}
        out["roc_auc"] = float(metrics.roc_auc_score(yb, proba)) if 0 < yb.sum() < len(yb) else float("nan")
        return out
    pred = np.asarray(model.predict(X), dtype=float)
    y = np.asarray(y, dtype=float)
    out = {"rmse": float(np.sqrt(np.mean((pred - y) ** 2))), "mae": float(np.mean(np.abs(pred - y)))}
    ss = float(np.sum((y - y.mean()) ** 2))
    out["r2"] = float(1 - np.sum((pred - y) ** 2) / ss) if ss > 0 else float("nan")
    return out


def _performance(spec: Spec, model: Any, name: str, X: Any, y: Any, X_test: Any, y_test: Any,
                 baselines: Any, random_state: int, fitted_here: bool = True,
                 training: dict[str, Any] | None = None) -> dict[str, Any]:
    rows = [{"model": name, "kind": "constrained", **_metrics(spec.task, y_test, model, X_test)}]
    if baselines:
        from ..audit.compare import build_models

        names = list(baselines) if not isinstance(baselines, bool) else ["random_forest", "linear"]
        for bname, kind, est in build_models(spec, names, random_state=random_state):
            est.fit(X, y)
            rows.append({"model": bname, "kind": kind, **_metrics(spec.task, y_test, est, X_test)})
    primary = "log_loss" if spec.task == "classification" else "rmse"
    base = ("the baselines are fitted on the same training rows with fixed, untuned settings." if baselines
            else "no baseline was asked for.")
    if fitted_here:
        note = "Test rows held out once before any fitting and used only here; " + base
    elif training and training.get("status") == "same":
        note = ("The model was fitted before the report was built, on exactly the training rows given to the report "
                "(checked by the SHA-256 of the rows that the model records), so these test rows were held out from it "
                "unless they repeat training rows; " + base)
    else:  # the report did not fit the model: nothing says it never saw the test rows
        note = ("The model was fitted before the report was built, so the report cannot tell whether it saw these "
                "test rows: the figures are held-out only if they were kept out of its training; " + base)
    return {"n_train": int(len(y)), "n_test": int(len(y_test)), "primary_metric": primary, "rows": rows,
            "note": note}


def _check_certificate_is_of(certificate: Any, model_sha256: str | None) -> None:
    """A certificate passed in must be the model's own: one of another model (another fit, other weights)
    would be reported as this model's."""
    from ..errors import DataError, Problem

    from ..audit.certify import Certificate

    if not (isinstance(certificate, Certificate) or (isinstance(certificate, dict)
                                                     and isinstance(certificate.get("rows"), list))):
        raise DataError([Problem("certificate", "a Certificate from priorml.certify (or its to_dict())",
                                 f"a {type(certificate).__name__}" + ("" if isinstance(certificate, dict)
                                                                     else f" ({str(certificate)[:60]!r})")
                                 + (" without 'rows'" if isinstance(certificate, dict) else ""),
                                 "Pass certify(model, X), or leave certificate=None and the report certifies it.")])
    cert_sha = certificate.get("model_sha256") if isinstance(certificate, dict) else \
        getattr(certificate, "model_sha256", None)
    if model_sha256 and not cert_sha:
        raise DataError([Problem("certificate", f"the certificate of this model (fingerprint {model_sha256[:16]}...)",
                                 "a certificate that names no model fingerprint, so it cannot be told apart from "
                                 "another model's",
                                 "Certify this model (priorml.certify(model, X)), or leave certificate=None and the "
                                 "report certifies it.")])
    if cert_sha and model_sha256 and cert_sha != model_sha256:
        raise DataError([Problem("certificate", f"the certificate of this model (fingerprint {model_sha256[:16]}...)",
                                 f"the certificate of another model (fingerprint {cert_sha[:16]}...)",
                                 "Certify this model (priorml.certify(model, X)), or leave certificate=None and the "
                                 "report certifies it.")])


def _training_check(model: Any, X: Any, y: Any, fitted_here: bool) -> dict[str, Any]:
    """Whether ``X, y`` are the rows the model was fitted on, from the digest a priorml model records at fit:
    ``status`` is ``same``, ``different`` or ``unknown`` (another kind of model, or one saved by an earlier
    priorml), with the model's own row count and digest and a sentence for the reader."""
    record = getattr(model, "training_data_", None)
    if fitted_here:
        return {"status": "same", "n_rows": int(len(y)), "sha256": record["sha256"] if record else None,
                "text": "the report fitted the model on these rows"}
    if record is None or not hasattr(model, "training_data_digest"):
        return {"status": "unknown", "n_rows": None, "sha256": None,
                "text": "the model records no digest of its training rows (not a priorml model, or saved by an "
                        "earlier priorml), so the report cannot check that it was fitted on the rows given here"}
    if record.get("sample_weight"):  # the digest covers the weights, which the report is not given
        return {"status": "unknown", "n_rows": int(record["n_rows"]), "sha256": record["sha256"],
                "text": f"the model was fitted on {int(record['n_rows'])} rows with sample weights, which the report "
                        "is not given, so it cannot check that they are the rows given here (model.fitted_on(X, y, "
                        "sample_weight) can)"}
    try:
        same = model.training_data_digest(X, y) == record["sha256"]
    except (ValueError, TypeError) as exc:  # rows the model cannot read as training rows
        same, why = False, f" ({str(exc).splitlines()[0][:200]})"
    else:
        why = ""
    n = int(record["n_rows"])
    if same:
        text = f"the model was fitted on exactly these {n} rows (same SHA-256 of the rows as the model reads them)"
    else:
        text = (f"the model was NOT fitted on the rows given here: it records {n} training rows with another "
                f"SHA-256{why}; figures labelled training rows describe other data")
    return {"status": "same" if same else "different", "n_rows": n, "sha256": record["sha256"], "text": text}


def _model_info(model: Any, backend: str, n_train: int) -> dict[str, Any]:
    params = {k: v for k, v in model.get_params(deep=False).items() if k != "spec"}
    info = {"estimator": type(model).__name__, "backend": backend, "n_train": int(n_train), "params": plain(params)}
    if hasattr(model, "model_type_"):
        info["model_type"] = model.model_type_
        info["epochs"] = int(model.n_epochs_)
    if hasattr(model, "likelihood_"):
        info["likelihood used"] = model.likelihood_
    return info


def collect_report(spec: Any, X: Any, y: Any, *, model: Any = None, backend: str = "lattice",
                   model_params: dict | None = None, X_test: Any = None, y_test: Any = None,
                   baselines: Any = True, comparison: Any = None, learning_curve: Any = None,
                   assumptions: Any = None, drift: Any = None, certificate: Any = None,
                   data_path: str | None = None, command: str | None = None, title: str | None = None,
                   random_state: int = 0) -> Report:
    """Compute the content of a validation report; see :func:`priorml.report.build_report`."""
    from ..audit.certify import _fingerprint, certify
    from ._effects import feature_effects

    from ..estimators._base import SpecEstimator

    if model is not None and not isinstance(model, SpecEstimator):
        from ..errors import DataError, Problem

        raise DataError([Problem("model", "a fitted priorml estimator (LatticeRegressor, BayesianClassifier, ...) or "
                                          "None", f"a {type(model).__name__}",
                                 "Report on a priorml model; unconstrained models enter the report as baselines "
                                 "(baselines=...) or through compare().")])
    resolved = model.spec_ if model is not None and hasattr(model, "spec_") else as_spec(spec)
    fitted_here = model is None
    if model is None:
        model = _make_model(resolved, backend, model_params or {}, random_state).fit(X, y)
    backend = "bayes" if hasattr(model, "predict_draws") else "lattice"
    model_sha256 = _fingerprint(model)
    if certificate is None:
        certificate = certify(model, X, random_state=random_state)
    else:
        _check_certificate_is_of(certificate, model_sha256)
    training = _training_check(model, X, y, fitted_here)
    performance = None
    if X_test is not None and y_test is not None:
        performance = _performance(resolved, model, f"{type(model).__name__} ({backend})", X, y, X_test, y_test,
                                   baselines, random_state, fitted_here, training)
    effects = feature_effects(model, X, y, random_state=random_state)
    if assumptions is not None and hasattr(assumptions, "effects"):
        assumption_effects = {k: plain(v) for k, v in assumptions.effects.items()}
    else:
        assumption_effects = None
    assumptions_d = plain(assumptions) if assumptions is not None else None
    if assumption_effects is not None and isinstance(assumptions_d, dict) and "effects" not in assumptions_d:
        assumptions_d["effects"] = assumption_effects
    name = resolved.name or (resolved.target and f"{resolved.target} model") or "model"
    provenance = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command,
        "data_file": str(data_path) if data_path else None,
        "data_file_sha256": _file_hash(data_path) if data_path else None,
        "data_sha256": _frame_hash(X, y),
        "n_rows": int(len(y)),
        "spec_sha256": hashlib.sha256(resolved.to_json().encode()).hexdigest(),
        "model_sha256": model_sha256,
        "model_training_rows": training["n_rows"],
        "model_training_data_sha256": training["sha256"],
        "training_data_check": training["status"],
        "training_data_note": training["text"],
        "random_state": random_state,
        "platform": platform.platform(),
        "versions": _versions(),
    }
    return Report(
        title=title or f"Validation report: {name}",
        spec=resolved.to_dict(),
        statements=[s.to_dict() for s in describe_spec(resolved)],
        model=_model_info(model, backend, training["n_rows"] if training["n_rows"] is not None else len(y)),
        certificate=plain(certificate),
        performance=plain(performance),
        effects=plain(effects),
        comparison=plain(comparison) if comparison is not None else None,
        learning_curve=plain(learning_curve) if learning_curve is not None else None,
        assumptions=assumptions_d,
        drift=plain(drift) if drift is not None else None,
        diagnostics=plain(getattr(model, "diagnostics_", None)),
        provenance=provenance,
    )



def _make_model(spec: Spec, backend: str, params: dict, random_state: int) -> Any:
    clf = spec.task == "classification"
    if backend == "bayes":
        from ..estimators.bayes import BayesianClassifier, BayesianRegressor

        return (BayesianClassifier if clf else BayesianRegressor)(spec, random_state=random_state, **params)
    if backend != "lattice":
        from ..errors import Problem, SpecError

        raise SpecError([Problem("backend", "'lattice' or 'bayes'", repr(backend))])
    from ..estimators.lattice import LatticeClassifier, LatticeRegressor

    return (LatticeClassifier if clf else LatticeRegressor)(spec, random_state=random_state, **params)
