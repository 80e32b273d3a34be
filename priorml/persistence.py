"""Saving and loading fitted estimators as a documented directory.

Format (``format_version`` 1)::

    MODEL_DIR/
      priorml.json   metadata: format name and version, estimator class, its
                     parameters, fitted attributes, schema (keypoints,
                     categories, target scaling), backend state, the spec the
                     model was trained with (``spec``, as plain data), whether the
                     estimator was built with a spec (``spec_given``: false for
                     ``spec=None``), and the versions of Python, priorml and the
                     frameworks used
      spec.yaml      the resolved spec, human readable
      arrays.npz     numeric state (layer weights or posterior draws)

``priorml.json`` also holds ``training_data``: the number of training rows and
the SHA-256 of those rows as the model read them (the estimator's
``training_data_``; see ``training_data_digest``), so that a reviewer can check
which data a saved model was fitted on. Directories saved before it existed
load without it.

Nothing is pickled, so a saved model can be read without executing code.
Writing goes to a temporary directory renamed into place, so a crash never
leaves half a model.

Values that JSON has no type for are stored as tagged plain data:

* a ``random_state`` given as a ``numpy.random.RandomState`` is stored as its
  generator state ``{"numpy.random.RandomState": {"keys": [...], "pos": ...,
  "has_gauss": ..., "cached_gaussian": ...}}`` and rebuilt as an equal
  RandomState (as pickle would);
* ``classes_`` of dtype datetime64 are stored as ISO 8601 strings, timedelta64
  as integer counts of their unit, each with ``classes_dtype``; object-dtype
  classes come back with dtype object.

Any other value without a JSON form makes ``save`` raise a ModelFormatError
naming the parameter or attribute.

``load`` checks ``spec.yaml`` against the trained spec in ``priorml.json``
and against the saved schema (feature names, kinds and order; keypoints,
categories and imputation values against what the spec allows), and the
metadata against the estimator (its model type, its parameters through the
estimator's own validation, ``n_features_in_``); a mismatch raises a
ModelFormatError naming the difference. Directories written before the
``spec`` key existed are checked against the schema only.

``priorml.json`` also records ``checksums``: the SHA-256 of each part that
``load`` reads into the estimator (``estimator``, ``params``, ``fitted``,
``schema``, ``state``, ``spec``, ``spec_given``, ``training_data``; each as JSON with sorted keys
and no spaces) and of the arrays (name, dtype, shape and bytes of each, by
name). The estimator's ``fingerprint()`` combines those of the parts that decide
its predictions (all but ``params``, ``spec_given`` and ``training_data``).
After the checks above, ``load`` recomputes them and refuses a model whose
parts changed since it was saved, naming the parts; so a change that the
other checks cannot see (a renamed category learnt from the data, other
weights that still obey the constraints) does not load either. A reviewer
can compare these digests to confirm that a model is the one certified.
Directories saved before ``checksums`` existed load without this check.

The loaded estimator's ``spec`` parameter is the spec read from ``spec.yaml``,
or ``None`` when the saved one was built with ``spec=None`` (``spec_given``
false), so that ``get_params``, ``clone`` and a refit on other columns behave
as they did for the original; its fitted ``spec_`` is the resolved spec either
way. Directories written before ``spec_given`` existed load with the spec as
the parameter.
"""

from __future__ import annotations

import hashlib
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


#: the tag of a RandomState stored in the parameters
RANDOM_STATE_TAG = "numpy.random.RandomState"


class _NoJSON(TypeError):
    """A value without a JSON form."""


def _json_value(v: Any) -> Any:
    """``v`` as JSON data; raises ``_NoJSON`` for a value that has no JSON form."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, np.generic) and v.dtype.kind in "biufU":
        return v.item()
    if isinstance(v, np.ndarray) and v.dtype.kind in "biufU":
        return v.tolist()
    if isinstance(v, Path):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [_json_value(x) for x in v]
    if isinstance(v, dict) and all(isinstance(k, str) for k in v):
        return {k: _json_value(x) for k, x in v.items()}
    if isinstance(v, np.random.RandomState):
        _, keys, pos, has_gauss, cached = v.get_state(legacy=True)
        return {RANDOM_STATE_TAG: {"keys": keys.tolist(), "pos": int(pos), "has_gauss": int(has_gauss),
                                   "cached_gaussian": float(cached)}}
    raise _NoJSON(f"a {type(v).__module__}.{type(v).__qualname__}")


def _param_value(v: Any) -> Any:
    """A saved parameter as the estimator takes it (a tagged RandomState rebuilt)."""
    if isinstance(v, dict) and set(v) == {RANDOM_STATE_TAG}:
        st = v[RANDOM_STATE_TAG]
        rs = np.random.RandomState()
        rs.set_state(("MT19937", np.asarray(st["keys"], dtype=np.uint32), int(st["pos"]), int(st["has_gauss"]),
                      float(st["cached_gaussian"])))
        return rs
    return v


def _refuse(name: str, what: str, received: str, fix: str) -> NoReturn:
    raise ModelFormatError(f"Cannot save the model: {what} {name}: expected a value with a JSON form "
                           f"(numbers, text, lists, None, a numpy RandomState); got {received}. {fix}")


def _classes_json(classes: np.ndarray) -> tuple[list, str]:
    """``classes_`` as JSON data and the dtype to rebuild it with."""
    kind = classes.dtype.kind
    if kind == "M":  # datetime64: ISO 8601 text in the array's own unit
        return np.datetime_as_string(classes).tolist(), classes.dtype.str
    if kind == "m":  # timedelta64: integer counts of its unit
        return classes.astype(np.int64).tolist(), classes.dtype.str
    try:
        values = [_json_value(c.item() if isinstance(c, np.generic) else c) for c in classes.tolist()]
    except _NoJSON as exc:
        _refuse("classes_", "the fitted attribute", str(exc),
                "Encode the labels as text or numbers (e.g. y.astype(str)) and fit again.")
    return values, classes.dtype.str if kind != "O" else "object"


def _classes_from_json(values: list, dtype: str) -> np.ndarray:
    if dtype == "object":
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    dt = np.dtype(dtype)
    if dt.kind == "m":
        return np.asarray(values, dtype=np.int64).astype(dt)
    return np.asarray(values, dtype=dt)


def _differences(saved: Any, found: Any, where: str = "") -> list[str]:
    """Where two plain-data specs differ, as readable lines (the first few)."""
    out: list[str] = []
    if isinstance(saved, dict) and isinstance(found, dict):
        for k in saved:
            if k not in found:
                out.append(f"{where}{k}: in the trained spec, missing from spec.yaml")
        for k in found:
            if k not in saved:
                out.append(f"{where}{k}: in spec.yaml, not in the trained spec")
        for k in saved:
            if k in found:
                out += _differences(saved[k], found[k], f"{where}{k}.")
        if not out and list(saved) != list(found) and where == "features.":
            out.append(f"features: in the order {list(found)} in spec.yaml, {list(saved)} in the trained spec")
        return out
    if saved != found:
        out.append(f"{where.rstrip('.') or 'spec'}: {found!r} in spec.yaml, {saved!r} in the trained spec")
    return out


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


def _metadata(estimator: Any, with_params: bool = True) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """``priorml.json`` (as plain data, read back from its JSON text, with its checksums) and the arrays
    of a fitted estimator: what :func:`save` writes. ``with_params=False`` leaves the parameters out (the
    fingerprint does not use them, and a parameter without a JSON form must not stop it)."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator)
    name = type(estimator).__name__
    if name not in ESTIMATORS:
        raise ModelFormatError(f"Cannot save a {name}: only priorml estimators ({', '.join(ESTIMATORS)}) can be saved.")
    meta_state, arrays = estimator._get_saved_state()
    params = {}
    for key, value in estimator.get_params(deep=False).items():
        if key == "spec" or not with_params:
            continue
        try:
            params[key] = _json_value(value)
        except _NoJSON as exc:
            _refuse(repr(key), "the parameter", str(exc), f"Set {key} to a plain value (set_params) and save again.")
    fitted: dict[str, Any] = {"n_features_in_": int(estimator.n_features_in_)}
    if hasattr(estimator, "feature_names_in_"):
        fitted["feature_names_in_"] = [str(c) for c in estimator.feature_names_in_]
    if hasattr(estimator, "classes_"):
        fitted["classes_"], fitted["classes_dtype"] = _classes_json(np.asarray(estimator.classes_))
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "estimator": name,
        "params": params,
        "fitted": fitted,
        "schema": estimator.schema_.to_dict(),
        "state": meta_state,
        "spec": estimator.spec_.to_dict(),
        "spec_given": estimator.get_params(deep=False)["spec"] is not None,
        "versions": _versions(),
    }
    if getattr(estimator, "training_data_", None) is not None:
        meta["training_data"] = dict(estimator.training_data_)
    try:
        meta = json.loads(json.dumps(meta, default=_json_value))  # as load will read it back
    except _NoJSON as exc:
        _refuse("in the backend state", "a value", str(exc), "This is a priorml bug: please report it.")
    meta["checksums"] = {"sha256": _checksums(meta, arrays)}
    return meta, arrays


def fingerprint(estimator: Any) -> str:
    """SHA-256 that identifies a fitted priorml estimator: the same for the estimator, for the model that
    ``save`` writes and for what ``load`` reads back, and different as soon as anything that decides the
    predictions differs (weights or posterior draws, schema, spec, classes, estimator class).

    Computed from the checksums that ``save`` records (:data:`FINGERPRINTED` parts; not the parameters,
    which only matter for a new fit). Certificates and validation reports record it, so that a reviewer can
    check that a deployed model is the one certified.
    """
    sums = _metadata(estimator, with_params=False)[0]["checksums"]["sha256"]
    return _combine(sums)


#: the parts of ``checksums`` that the fingerprint combines: those that decide a fitted model's predictions
FINGERPRINTED = ("estimator", "fitted", "schema", "state", "spec", "arrays.npz")


def _combine(sums: dict[str, str]) -> str:
    return hashlib.sha256(";".join(f"{k}={sums[k]}" for k in FINGERPRINTED).encode()).hexdigest()


def save(estimator: Any, path: str | os.PathLike) -> Path:
    """Save a fitted priorml estimator to the directory ``path`` (created or replaced)."""
    meta, arrays = _metadata(estimator)
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise ModelFormatError(f"{target} is an existing file; expected a directory path (a model is saved as a "
                               "directory, created or replaced). Choose another path, or delete the file first.")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        (tmp / META).write_text(json.dumps(meta, indent=2))
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


#: the parts of ``priorml.json`` that ``checksums`` covers: every part that ``load`` reads into the estimator
CHECKSUMMED = ("estimator", "params", "fitted", "schema", "state", "spec", "spec_given", "training_data")
#: parts that directories saved by earlier versions lack (their checksums cover the other parts)
ADDED_LATER = ("training_data",)


def _checksums(meta: dict[str, Any], arrays: dict[str, np.ndarray], keys: tuple[str, ...] = CHECKSUMMED) -> dict[str, str]:
    """SHA-256 of each part in ``keys`` (its JSON with sorted keys) and of the arrays (each array's name,
    dtype, shape and bytes, by name)."""
    out = {}
    for key in keys:
        text = json.dumps(meta.get(key), sort_keys=True, separators=(",", ":"), allow_nan=True)
        out[key] = hashlib.sha256(text.encode()).hexdigest()
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    out["arrays.npz"] = h.hexdigest()
    return out


def _check_checksums(root: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """The parts of the model must be the ones saved: a changed part that passes every other check (a
    renamed category, a changed parameter, other weights that still obey the constraints) is refused
    here. Directories saved before ``checksums`` existed have none to check."""
    if "checksums" not in meta:
        return
    recorded = meta["checksums"].get("sha256") if isinstance(meta["checksums"], dict) else None
    full = set(CHECKSUMMED) | {"arrays.npz"}
    if not isinstance(recorded, dict) or set(recorded) not in (full, full - set(ADDED_LATER)) \
            or not all(isinstance(v, str) for v in recorded.values()):
        _corrupted(root / META, "'checksums'", "{'sha256': {part: hex digest}} for "
                   + ", ".join(CHECKSUMMED + ("arrays.npz",)), repr(meta["checksums"])[:80])
    keys = tuple(k for k in CHECKSUMMED if k in recorded)
    extra = [k for k in ADDED_LATER if k not in recorded and k in meta]
    if extra:  # a part added to a directory whose checksums predate it
        raise ModelFormatError(f"{root} is corrupted: '{extra[0]}' of {META} was added after the model was saved "
                               "(its checksums do not cover it). Restore the saved files, or fit and save the model again.")
    found = _checksums(meta, arrays, keys)
    changed = [k for k in found if found[k] != recorded[k]]
    if changed:
        where = ", ".join(("arrays.npz" if k == "arrays.npz" else f"'{k}' of {META}") for k in changed)
        raise ModelFormatError(f"{root} is corrupted: {where} changed after the model was saved (SHA-256 differs from "
                               f"the one recorded under 'checksums' in {META}). Restore the saved files, or fit "
                               "and save the model again.")


def _check_spec_matches(root: Path, spec: Any, schema: Any, meta: dict[str, Any]) -> None:
    """spec.yaml must be the spec the model was trained with: the same features (names, kinds,
    order) as the saved schema and, when ``priorml.json`` holds the trained spec, the same spec."""
    fix = ("spec.yaml was edited or replaced: restore it (priorml.json holds the trained spec under 'spec'), "
           "or fit the model again with the new spec.")
    saved = [(fs.name, fs.kind) for fs in schema.features]
    found = [(f.name, f.kind) for f in spec.features]
    if saved != found:
        lines = []
        for i in range(max(len(saved), len(found))):
            a = saved[i] if i < len(saved) else None
            b = found[i] if i < len(found) else None
            if a != b:
                lines.append(f"feature {i + 1}: " + (f"{b[1]} {b[0]!r}" if b else "none") + " in spec.yaml, "
                             + (f"{a[1]} {a[0]!r}" if a else "none") + " in the trained model")
        raise ModelFormatError(f"{root} is corrupted: spec.yaml does not match the model's features: "
                               + "; ".join(lines[:5]) + f". {fix}")
    trained = meta.get("spec")
    if trained is None:  # saved before priorml.json held the spec: the schema check above is all there is
        return
    found_dict = json.loads(json.dumps(spec.to_dict()))
    diff = _differences(trained, found_dict) if isinstance(trained, dict) else ["spec: not a mapping in priorml.json"]
    if diff:
        raise ModelFormatError(f"{root} is corrupted: spec.yaml differs from the spec the model was trained with: "
                               + "; ".join(diff[:5]) + f". {fix}")


def load(path: str | os.PathLike):
    """Load an estimator saved with ``estimator.save(path)``.

    Raises
    ------
    ModelFormatError
        When the directory is missing, is not a priorml model, is of a newer
        format, or is corrupted (unreadable metadata, spec or arrays; a
        spec.yaml that differs from the spec the model was trained with;
        metadata the estimator would refuse), naming the difference.

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
    for key in ("y_mean", "y_scale"):  # the target scaling: finite numbers, a positive scale
        value = getattr(schema, key)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not np.isfinite(value) or \
                (key == "y_scale" and value <= 0):
            _corrupted(meta_path, f"'schema.{key}'", "a finite number" + (" above 0" if key == "y_scale" else ""),
                       repr(value))
    _check_spec_matches(root, spec, schema, meta)
    problems = schema.inconsistencies(spec)
    if problems:
        key, expected, received = problems[0]
        _corrupted(meta_path, f"'schema.{key}'", expected + (f" ({len(problems) - 1} more problems in 'schema')"
                                                            if len(problems) > 1 else ""), received)
    spec_given = meta.get("spec_given", True)  # missing before it was recorded: the spec is the parameter
    if not isinstance(spec_given, bool):
        _corrupted(meta_path, "'spec_given'", "true or false (false: the estimator was built with spec=None)",
                   repr(spec_given))
    if not spec_given and spec != Spec.unconstrained(spec.feature_names, task=spec.task):
        _corrupted(meta_path, "'spec_given'", "true, as spec.yaml is not the unconstrained spec that spec=None "
                   "resolves to", "false")
    if n_in != len(schema.features):
        _corrupted(meta_path, "'fitted.n_features_in_'",
                   f"{len(schema.features)}, the number of features in the saved schema", repr(n_in))
    try:
        est = cls(spec=spec if spec_given else None, **{k: _param_value(v) for k, v in params.items()})
        est._validate_params()  # the estimator's own parameter constraints (scikit-learn)
    except (KeyError, TypeError, ValueError) as exc:
        _corrupted(meta_path, "'params'", f"parameters that {name} accepts", str(exc).splitlines()[0].rstrip("."))
    est.n_features_in_ = n_in
    try:
        if "feature_names_in_" in fitted:
            est.feature_names_in_ = np.asarray(fitted["feature_names_in_"], dtype=object)
        if "classes_" in fitted:
            est.classes_ = _classes_from_json(fitted["classes_"], fitted["classes_dtype"])
    except (KeyError, TypeError, ValueError) as exc:
        _corrupted(meta_path, "'fitted'", "feature_names_in_ as a list of names, and classes_ with its classes_dtype",
                   f"{type(exc).__name__}: {exc}")
    if "feature_names_in_" in fitted and est.feature_names_in_.tolist() != list(spec.feature_names):
        _corrupted(meta_path, "'fitted.feature_names_in_'", f"the spec's features {list(spec.feature_names)}",
                   repr(est.feature_names_in_.tolist()))
    est.spec_ = spec
    est.schema_ = schema
    if meta.get("training_data") is not None:
        record = meta["training_data"]
        if not (isinstance(record, dict) and set(record) == {"n_rows", "sha256", "sample_weight"}
                and is_int(record["n_rows"], 1) and isinstance(record["sample_weight"], bool)
                and isinstance(record["sha256"], str) and len(record["sha256"]) == 64):
            _corrupted(meta_path, "'training_data'", "{'n_rows': rows (> 0), 'sha256': 64 hex digits, "
                       "'sample_weight': true or false}", repr(record)[:120])
        est.training_data_ = dict(record)
    try:
        est._set_saved_state(meta["state"], arrays)
    except Exception as exc:
        raise ModelFormatError(f"{root} is corrupted: {type(exc).__name__}: {exc}") from None
    _check_checksums(root, meta, arrays)
    return est
