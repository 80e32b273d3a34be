"""Saving and loading fitted estimators as a documented directory.

Format (``format_version`` 1)::

    MODEL_DIR/
      priorml.json   metadata: format name and version, estimator class, its
                     parameters, fitted attributes, schema (keypoints,
                     categories, target scaling), backend state, and the
                     versions of Python, priorml and the frameworks used
      spec.yaml      the resolved spec, human readable
      arrays.npz     numeric state (layer weights or posterior draws)

Nothing is pickled, so a saved model can be read without executing code.
Writing goes to a temporary directory renamed into place, so a crash never
leaves half a model.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import shutil
import tempfile
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from ._args import is_int
from .errors import ModelFormatError

FORMAT = "priorml-model"
FORMAT_VERSION = 1
META = "priorml.json"

#: estimator class name -> module that defines it
ESTIMATORS = {
    "LatticeRegressor": "priorml.estimators.lattice",
    "LatticeClassifier": "priorml.estimators.lattice",
    "BayesianRegressor": "priorml.estimators.bayes",
    "BayesianClassifier": "priorml.estimators.bayes",
}


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("priorml", "numpy", "scikit-learn", "tensorflow", "tf-keras", "tensorflow-lattice", "pymc", "arviz"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def _json_value(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, Path):
        return str(v)
    return v


def _corrupted(meta_path: Path, key: str, expected: str, received: str) -> NoReturn:
    """Raise a ModelFormatError naming the metadata file, the key, what was expected and what was found."""
    raise ModelFormatError(f"{meta_path} is corrupted: key {key}: expected {expected}; got {received}. "
                           "The file was edited or damaged: restore it, or save the model again with estimator.save(path).")


def _meta_field(meta: dict[str, Any], key: str, expected: str, meta_path: Path) -> dict[str, Any]:
    """``meta[key]``, which must be a mapping; otherwise a ModelFormatError naming the file and the key."""
    value = meta.get(key)
    if not isinstance(value, dict):
        found = "null" if value is None else f"a {type(value).__name__} ({repr(value)[:60]})"
        _corrupted(meta_path, repr(key), expected, found if key in meta else "nothing (the key is missing)")
    return value


def save(estimator: Any, path: str | os.PathLike) -> Path:
    """Save a fitted priorml estimator to the directory ``path`` (created or replaced)."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator)
    name = type(estimator).__name__
    if name not in ESTIMATORS:
        raise ModelFormatError(f"Cannot save a {name}: only priorml estimators ({', '.join(ESTIMATORS)}) can be saved.")
    meta_state, arrays = estimator._get_saved_state()
    params = {k: _json_value(v) for k, v in estimator.get_params(deep=False).items() if k != "spec"}
    fitted: dict[str, Any] = {"n_features_in_": int(estimator.n_features_in_)}
    if hasattr(estimator, "feature_names_in_"):
        fitted["feature_names_in_"] = [str(c) for c in estimator.feature_names_in_]
    if hasattr(estimator, "classes_"):
        fitted["classes_"] = estimator.classes_.tolist()
        fitted["classes_dtype"] = estimator.classes_.dtype.str if estimator.classes_.dtype.kind != "O" else "object"
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "estimator": name,
        "params": params,
        "fitted": fitted,
        "schema": estimator.schema_.to_dict(),
        "state": meta_state,
        "versions": _versions(),
    }
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise ModelFormatError(f"{target} is an existing file; expected a directory path (a model is saved as a "
                               "directory, created or replaced). Choose another path, or delete the file first.")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        (tmp / META).write_text(json.dumps(meta, indent=2, default=_json_value))
        estimator.spec_.to_yaml(tmp / "spec.yaml")
        np.savez(tmp / "arrays.npz", **arrays)
        if target.exists():
            if not (target / META).exists() and any(target.iterdir()):
                raise ModelFormatError(f"{target} exists and is not a priorml model directory; refusing to overwrite it.")
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def load(path: str | os.PathLike):
    """Load an estimator saved with ``estimator.save(path)``.

    Raises
    ------
    ModelFormatError
        When the directory is missing, is not a priorml model, is of a newer
        format, or is corrupted (unreadable metadata, spec or arrays).

    Examples
    --------
    >>> import priorml  # doctest: +SKIP
    >>> model = priorml.load("mpg_model")  # doctest: +SKIP
    """
    from .errors import SpecError
    from .spec import Spec
    from .spec.schema import Schema

    root = Path(path)
    if not root.is_dir():
        raise ModelFormatError(f"{root} is not a directory; expected a model saved with estimator.save(path).")
    meta_path = root / META
    if not meta_path.is_file():
        raise ModelFormatError(f"{root} is not a priorml model directory: {META} is missing.")
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFormatError(f"{meta_path} is corrupted: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFormatError(f"{meta_path} is not priorml model metadata (format is {meta.get('format') if isinstance(meta, dict) else None!r}).")
    version = meta.get("format_version", 0)
    if not is_int(version):
        _corrupted(meta_path, "'format_version'", f"an integer (this priorml reads format {FORMAT_VERSION})", repr(version))
    if version > FORMAT_VERSION:
        raise ModelFormatError(f"{root} was saved in model format {meta.get('format_version')}, newer than this "
                               f"priorml reads ({FORMAT_VERSION}); upgrade priorml.")
    name = meta.get("estimator")
    if name not in ESTIMATORS:
        raise ModelFormatError(f"{meta_path} names an unknown estimator {name!r}.")
    cls = getattr(importlib.import_module(ESTIMATORS[name]), name)
    params = _meta_field(meta, "params", f"a mapping of {name}'s parameters", meta_path)
    unknown = sorted(set(params) - (set(cls._get_param_names()) - {"spec"}), key=str)
    if unknown:
        _corrupted(meta_path, f"'params.{unknown[0]}'", f"a parameter of {name} other than spec "
                   f"({', '.join(n for n in cls._get_param_names() if n != 'spec')})", repr(unknown[0]))
    fitted = _meta_field(meta, "fitted", "a mapping of the fitted attributes (n_features_in_, ...)", meta_path)
    n_in = fitted.get("n_features_in_")
    if not is_int(n_in, 1):
        _corrupted(meta_path, "'fitted.n_features_in_'", "a positive integer",
                   repr(n_in) if "n_features_in_" in fitted else "nothing (the key is missing)")
    _meta_field(meta, "schema", "a mapping (keypoints, categories, target scaling)", meta_path)
    _meta_field(meta, "state", f"a mapping of the {name}'s backend state", meta_path)
    try:
        spec = Spec.from_yaml(root / "spec.yaml")
    except SpecError as exc:  # missing, or edited by hand: keep every problem, each names its key
        raise ModelFormatError(f"{root} is corrupted: SpecError in spec.yaml: {exc}\n"
                               "Fix spec.yaml, or save the model again with estimator.save(path).") from None
    try:
        schema = Schema.from_dict(meta["schema"])
        with np.load(root / "arrays.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except Exception as exc:  # any failure here means a damaged directory
        raise ModelFormatError(f"{root} is corrupted: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None
    est = cls(spec=spec, **params)
    est.n_features_in_ = n_in
    try:
        if "feature_names_in_" in fitted:
            est.feature_names_in_ = np.asarray(fitted["feature_names_in_"], dtype=object)
        if "classes_" in fitted:
            dtype = None if fitted["classes_dtype"] == "object" else np.dtype(fitted["classes_dtype"])
            est.classes_ = np.asarray(fitted["classes_"], dtype=dtype)
    except (KeyError, TypeError, ValueError) as exc:
        _corrupted(meta_path, "'fitted'", "feature_names_in_ as a list of names, and classes_ with its classes_dtype",
                   f"{type(exc).__name__}: {exc}")
    est.spec_ = spec
    est.schema_ = schema
    try:
        est._set_saved_state(meta["state"], arrays)
    except Exception as exc:
        raise ModelFormatError(f"{root} is corrupted: {type(exc).__name__}: {exc}") from None
    return est
