"""Loaders for the small real datasets bundled with priorml.

Only numpy and pandas are imported here so that ``import priorml.datasets`` stays fast.
See ``priorml/datasets/data/PROVENANCE.md`` for where every file comes from.
"""

from __future__ import annotations

import pathlib
from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["load_auto_mpg", "load_heart", "load_split", "spec_path"]

_PACKAGE = "priorml.datasets"
_SPLITS = {"auto_mpg": "auto_mpg_split.txt", "heart": "heart_split.txt"}

_AUTO_MPG_DTYPES = {
    "mpg": "float64",
    "cylinders": "int64",
    "displacement": "float64",
    "horsepower": "float64",
    "weight": "int64",
    "acceleration": "float64",
    "model_year": "int64",
    "origin": "int64",
    "name": None,
}

_HEART_DTYPES = {
    "age": "int64",
    "sex": "int64",
    "cp": "int64",
    "trestbps": "int64",
    "chol": "int64",
    "fbs": "int64",
    "restecg": "int64",
    "thalach": "int64",
    "exang": "int64",
    "oldpeak": "float64",
    "slope": "int64",
    "ca": "int64",
    "thal": None,
    "target": "int64",
}


def _data_file(filename: str):
    return resources.files(_PACKAGE).joinpath("data", filename)


def _read_csv(filename: str, dtypes: dict[str, str | None]) -> pd.DataFrame:
    # Text columns (dtype None) are left to pandas' default string type (object in pandas 2, str in pandas 3).
    # keep_default_na=False + na_values=[""]: only empty cells are missing, no "NA"/"null"-like text is.
    with _data_file(filename).open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={k: v for k, v in dtypes.items() if v is not None}, keep_default_na=False,
                         na_values=[""])
    if list(df.columns) != list(dtypes):
        raise RuntimeError(f"bundled file {filename} has unexpected columns {list(df.columns)}")
    df.index = pd.RangeIndex(len(df), name="row")
    return df


def load_auto_mpg(*, drop_missing: bool = True, return_X_y: bool = False):
    """Load the UCI Auto MPG data (398 cars, model years 1970-1982).

    The rows are those of UCI's ``auto-mpg.data`` in the same order, and the
    index is the original 0-based row number in that file, so that the
    published benchmark split (:func:`load_split`) can be applied with
    ``df.loc[index]`` whether or not incomplete rows were dropped.

    Parameters
    ----------
    drop_missing : bool, default=True
        Drop the 6 cars whose horsepower is unknown (rows 32, 126, 330, 336,
        354 and 374), leaving the common 392-row version. The index keeps the
        original row numbers.
    return_X_y : bool, default=False
        If True, return ``(X, y)`` with ``y = mpg`` and ``X`` the remaining
        columns without ``mpg`` and ``name``.

    Returns
    -------
    df : pandas.DataFrame
        Columns ``mpg`` (float, miles per US gallon), ``cylinders`` (int),
        ``displacement`` (float, cubic inches), ``horsepower`` (float, NaN
        where unknown), ``weight`` (int, lbs), ``acceleration`` (float,
        seconds from 0 to 60 mph), ``model_year`` (int, two-digit year 70..82),
        ``origin`` (int: 1 = USA, 2 = Europe, 3 = Japan) and ``name`` (string).
        Returned when ``return_X_y`` is False.
    (X, y) : tuple of (pandas.DataFrame, pandas.Series)
        Returned when ``return_X_y`` is True.

    Notes
    -----
    Source: UCI Machine Learning Repository, Auto MPG (Quinlan, 1993),
    CC BY 4.0. See ``priorml/datasets/data/PROVENANCE.md``.

    Examples
    --------
    >>> from priorml.datasets import load_auto_mpg, load_split
    >>> df = load_auto_mpg()
    >>> df.shape
    (392, 9)
    >>> train, test = load_split("auto_mpg")
    >>> df.loc[train].shape, df.loc[test].shape
    ((314, 9), (78, 9))
    """
    df = _read_csv("auto_mpg.csv", _AUTO_MPG_DTYPES)
    if drop_missing:
        df = df[df["horsepower"].notna()]
    if return_X_y:
        return df.drop(columns=["mpg", "name"]), df["mpg"]
    return df


def load_heart(*, return_X_y: bool = False):
    """Load the 303-row Cleveland heart-disease data used in the TensorFlow tutorials.

    The file is kept exactly as distributed (same rows, order and columns);
    the index is the 0-based row number, the numbering used by
    :func:`load_split`.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(X, y)`` with ``y = target`` and ``X`` the 13 other
        columns.

    Returns
    -------
    df : pandas.DataFrame
        Columns ``age``, ``sex``, ``cp``, ``trestbps``, ``chol``, ``fbs``,
        ``restecg``, ``thalach``, ``exang``, ``oldpeak`` (float), ``slope``,
        ``ca``, ``thal`` (string: ``"normal"``, ``"fixed"``, ``"reversible"``,
        and, in one row each, the stray codes ``"1"`` and ``"2"``) and
        ``target`` (int 0/1). Returned when ``return_X_y`` is False.
    (X, y) : tuple of (pandas.DataFrame, pandas.Series)
        Returned when ``return_X_y`` is True.

    Notes
    -----
    Source: UCI Machine Learning Repository, Heart Disease (Janosi,
    Steinbrunn, Pfisterer and Detrano, 1988), CC BY 4.0, in the version
    distributed with the TensorFlow tutorials. This version is not a plain
    copy of UCI's ``processed.cleveland.data``: see
    ``priorml/datasets/data/PROVENANCE.md``.

    Examples
    --------
    >>> from priorml.datasets import load_heart
    >>> X, y = load_heart(return_X_y=True)
    >>> X.shape, y.shape
    ((303, 13), (303,))
    """
    df = _read_csv("heart.csv", _HEART_DTYPES)
    if return_X_y:
        return df.drop(columns=["target"]), df["target"]
    return df


def load_split(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the published train/test split of a bundled dataset.

    Parameters
    ----------
    name : {"auto_mpg", "heart"}
        Dataset name.

    Returns
    -------
    train_index, test_index : numpy.ndarray of int64
        Original 0-based row numbers, in the order listed in the split file,
        usable as ``df.loc[train_index]`` on the frame returned by
        :func:`load_auto_mpg` or :func:`load_heart`. For Auto MPG the six
        rows with missing horsepower are in neither set.

    Raises
    ------
    ValueError
        If ``name`` is not a known dataset.
    """
    if name not in _SPLITS:
        raise ValueError(f"unknown split {name!r}; available: {', '.join(sorted(_SPLITS))}")
    parts: dict[str, np.ndarray] = {}
    text = _data_file(_SPLITS[name]).read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, values = line.partition(":")
        key = key.strip()
        if not sep or key not in ("train", "test") or key in parts:
            raise RuntimeError(f"malformed split file {_SPLITS[name]}: {line[:60]!r}")
        parts[key] = np.array([int(v) for v in values.split()], dtype=np.int64)
    if set(parts) != {"train", "test"}:
        raise RuntimeError(f"split file {_SPLITS[name]} lacks a train or test line")
    if np.intersect1d(parts["train"], parts["test"]).size:
        raise RuntimeError(f"split file {_SPLITS[name]}: train and test overlap")
    return parts["train"], parts["test"]


def _spec_names() -> list[str]:
    specs = resources.files(_PACKAGE).joinpath("specs")
    if not specs.is_dir():
        return []
    return sorted(p.name[: -len(".yaml")] for p in specs.iterdir() if p.name.endswith(".yaml"))


def spec_path(name: str) -> pathlib.Path:
    """Return the path of the bundled constraint spec ``specs/{name}.yaml``.

    Parameters
    ----------
    name : str
        Spec name, e.g. ``"auto_mpg"`` or ``"heart"``.

    Returns
    -------
    pathlib.Path
        Path of the YAML file inside the installed package.

    Raises
    ------
    ValueError
        If no spec of that name is bundled; the message lists the available
        names.
    """
    available = _spec_names()
    if name not in available:
        raise ValueError(f"unknown spec {name!r}; available: {', '.join(available) or '(none)'}")
    return pathlib.Path(str(resources.files(_PACKAGE).joinpath("specs", f"{name}.yaml")))
