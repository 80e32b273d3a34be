"""Loaders for the small real datasets bundled with priorml.

Only numpy and pandas are imported here so that ``import priorml.datasets`` stays fast.
See ``priorml/datasets/data/PROVENANCE.md`` for where every file comes from.
"""

from __future__ import annotations

import pathlib
from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["load", "load_abalone", "load_auto_mpg", "load_breast_cancer", "load_diabetes", "load_heart",
           "load_seattle_weather", "load_split", "names", "spec_path"]

_PACKAGE = "priorml.datasets"
_SPLITS = {
    "auto_mpg": "auto_mpg_split.txt",
    "heart": "heart_split.txt",
    "diabetes": "diabetes_split.txt",
    "breast_cancer": "breast_cancer_split.txt",
    "abalone": "abalone_split.txt",
    "seattle_weather": "seattle_weather_split.txt",
}

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

_DIABETES_DTYPES = {
    "age": "int64",
    "sex": "int64",
    "bmi": "float64",
    "bp": "float64",
    "s1": "int64",
    "s2": "float64",
    "s3": "float64",
    "s4": "float64",
    "s5": "float64",
    "s6": "int64",
    "progression": "int64",
}

_WDBC_MEASURES = ("radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
                  "concave_points", "symmetry", "fractal_dimension")
_BREAST_CANCER_DTYPES = {
    **{f"mean_{m}": "float64" for m in _WDBC_MEASURES},
    **{f"{m}_error": "float64" for m in _WDBC_MEASURES},
    **{f"worst_{m}": "float64" for m in _WDBC_MEASURES},
    "malignant": "int64",
}

_ABALONE_DTYPES = {
    "sex": None,
    "length": "float64",
    "diameter": "float64",
    "height": "float64",
    "whole_weight": "float64",
    "shucked_weight": "float64",
    "viscera_weight": "float64",
    "shell_weight": "float64",
    "rings": "int64",
}

_SEATTLE_DTYPES = {
    "date": None,
    "day_of_year": "int64",
    "precipitation": "float64",
    "temp_max": "float64",
    "temp_min": "float64",
    "wind": "float64",
    "weather": None,
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


def load_diabetes(*, return_X_y: bool = False):
    """Load the diabetes-progression data of Efron et al. (2004): 442 patients.

    The values are the original, unscaled measurements (scikit-learn's
    ``load_diabetes(scaled=False)``), in the same row order; the index is the
    0-based row number, the numbering used by :func:`load_split`.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(X, y)`` with ``y = progression`` and ``X`` the 10
        baseline variables.

    Returns
    -------
    df : pandas.DataFrame
        Columns ``age`` (int, years), ``sex`` (int, 1 or 2; the source does
        not say which is which), ``bmi`` (body-mass index), ``bp`` (mean
        blood pressure), ``s1`` (total serum cholesterol, int), ``s2`` (LDL),
        ``s3`` (HDL), ``s4`` (total cholesterol / HDL), ``s5`` (log of serum
        triglycerides), ``s6`` (blood glucose, int) and ``progression`` (int,
        25..346: a quantitative measure of disease progression one year after
        baseline). Returned when ``return_X_y`` is False.
    (X, y) : tuple of (pandas.DataFrame, pandas.Series)
        Returned when ``return_X_y`` is True.

    Notes
    -----
    Source: Efron, Hastie, Johnstone and Tibshirani (2004), *Least Angle
    Regression*, Annals of Statistics 32(2), 407-499, as distributed with
    scikit-learn (BSD-3-Clause). See ``priorml/datasets/data/PROVENANCE.md``.

    Examples
    --------
    >>> from priorml.datasets import load_diabetes, load_split
    >>> df = load_diabetes()
    >>> df.shape
    (442, 11)
    >>> train, test = load_split("diabetes")
    >>> len(train), len(test)
    (330, 112)
    """
    df = _read_csv("diabetes.csv", _DIABETES_DTYPES)
    if return_X_y:
        return df.drop(columns=["progression"]), df["progression"]
    return df


def load_breast_cancer(*, return_X_y: bool = False):
    """Load the Wisconsin Diagnostic Breast Cancer data: 569 fine-needle aspirates.

    The 30 nuclear features are those of UCI's ``wdbc.data`` (the mean,
    standard error and "worst" value of 10 measurements of the cell nuclei in
    an image), in the same row order; the index is the 0-based row number used
    by :func:`load_split`. Unlike scikit-learn's ``load_breast_cancer``, whose
    target is 1 for *benign*, the target here is ``malignant`` (1 = malignant),
    so that "risk increases with" reads naturally in a spec.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(X, y)`` with ``y = malignant`` and ``X`` the 30
        features.

    Returns
    -------
    df : pandas.DataFrame
        30 float columns named ``mean_<m>``, ``<m>_error`` and ``worst_<m>``
        for ``<m>`` in radius, texture, perimeter, area, smoothness,
        compactness, concavity, concave_points, symmetry, fractal_dimension;
        and ``malignant`` (int 0/1; 212 malignant, 357 benign). Returned when
        ``return_X_y`` is False.
    (X, y) : tuple of (pandas.DataFrame, pandas.Series)
        Returned when ``return_X_y`` is True.

    Notes
    -----
    Source: UCI Machine Learning Repository, Breast Cancer Wisconsin
    (Diagnostic) (Wolberg, Mangasarian, Street and Street, 1995), CC BY 4.0,
    as distributed with scikit-learn. See
    ``priorml/datasets/data/PROVENANCE.md``.

    Examples
    --------
    >>> from priorml.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((569, 30), 212)
    """
    df = _read_csv("breast_cancer.csv", _BREAST_CANCER_DTYPES)
    if return_X_y:
        return df.drop(columns=["malignant"]), df["malignant"]
    return df


def load_abalone(*, return_X_y: bool = False):
    """Load the UCI Abalone data: 4,177 abalone from Tasmania with their age in rings.

    Rows are those of UCI's ``abalone.data`` in the same order; the index is
    the 0-based row number used by :func:`load_split`. Lengths are in mm and
    weights in grams, each divided by 200 as in UCI's file.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(X, y)`` with ``y = rings`` and ``X`` the 8 other
        columns.

    Returns
    -------
    df : pandas.DataFrame
        Columns ``sex`` (string: ``"M"``, ``"F"`` or ``"I"`` for infant),
        ``length``, ``diameter``, ``height``, ``whole_weight``,
        ``shucked_weight``, ``viscera_weight``, ``shell_weight`` (float) and
        ``rings`` (int, 1..29; age in years is rings + 1.5). Returned when
        ``return_X_y`` is False.
    (X, y) : tuple of (pandas.DataFrame, pandas.Series)
        Returned when ``return_X_y`` is True.

    Notes
    -----
    Source: UCI Machine Learning Repository, Abalone (Nash, Sellers, Talbot,
    Cawthorn and Ford, 1994/1995), CC BY 4.0. See
    ``priorml/datasets/data/PROVENANCE.md``.

    Examples
    --------
    >>> from priorml.datasets import load_abalone
    >>> df = load_abalone()
    >>> df.shape
    (4177, 9)
    """
    df = _read_csv("abalone.csv", _ABALONE_DTYPES)
    if return_X_y:
        return df.drop(columns=["rings"]), df["rings"]
    return df


def load_seattle_weather(*, return_X_y: bool = False):
    """Load daily weather in Seattle, 2012-2015 (NOAA; 1,461 days).

    One row per day in date order; the index is the 0-based row number used
    by :func:`load_split`.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(X, y)`` with ``y = temp_max`` and ``X`` the other
        columns.

    Returns
    -------
    df : pandas.DataFrame
        Columns ``date`` (string, ``YYYY-MM-DD``), ``day_of_year`` (int,
        1..366), ``precipitation`` (float, mm), ``temp_max`` and ``temp_min``
        (float, deg C), ``wind`` (float, m/s) and ``weather`` (string: sun,
        fog, rain, drizzle or snow). Returned when ``return_X_y`` is False.
    (X, y) : tuple of (pandas.DataFrame, pandas.Series)
        Returned when ``return_X_y`` is True.

    Notes
    -----
    Source: NOAA daily observations for Seattle (public domain), as
    distributed in the ``vega_datasets`` package (MIT). ``day_of_year`` is
    derived from ``date``. See ``priorml/datasets/data/PROVENANCE.md``.

    Examples
    --------
    >>> from priorml.datasets import load_seattle_weather
    >>> df = load_seattle_weather()
    >>> df.shape, int(df["day_of_year"].max())
    ((1461, 7), 366)
    """
    df = _read_csv("seattle_weather.csv", _SEATTLE_DTYPES)
    if return_X_y:
        return df.drop(columns=["temp_max"]), df["temp_max"]
    return df


_LOADERS = {
    "auto_mpg": load_auto_mpg,
    "heart": load_heart,
    "diabetes": load_diabetes,
    "breast_cancer": load_breast_cancer,
    "abalone": load_abalone,
    "seattle_weather": load_seattle_weather,
}


def names() -> list[str]:
    """Names of the bundled datasets, in a fixed order (oldest first).

    Returns
    -------
    list of str
        Each name works with :func:`load`, :func:`load_split` and
        :func:`spec_path`.

    Examples
    --------
    >>> from priorml.datasets import names
    >>> names()
    ['auto_mpg', 'heart', 'diabetes', 'breast_cancer', 'abalone', 'seattle_weather']
    """
    return list(_LOADERS)


def load(name: str, *, return_X_y: bool = False):
    """Load a bundled dataset by name, with each loader's defaults.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    return_X_y : bool, default=False
        If True, return ``(X, y)`` where ``y`` is the column named by the
        dataset's spec target and ``X`` the other columns (for Auto MPG
        without ``name``).

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, pandas.Series)
        What ``load_<name>(return_X_y=...)`` returns.

    Raises
    ------
    ValueError
        If ``name`` is not a bundled dataset; the message lists the names.

    Examples
    --------
    >>> from priorml import datasets
    >>> df = datasets.load("diabetes")
    >>> spec = datasets.spec_path("diabetes")
    >>> "progression" in df.columns
    True
    """
    if name not in _LOADERS:
        raise ValueError(f"unknown dataset {name!r}; available: {', '.join(_LOADERS)}")
    return _LOADERS[name](return_X_y=return_X_y)


def load_split(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the published train/test split of a bundled dataset.

    Parameters
    ----------
    name : {"auto_mpg", "heart", "diabetes", "breast_cancer", "abalone", "seattle_weather"}
        Dataset name. Auto MPG and Heart have the published split used by
        COMET and later papers; the others a fixed stratified 75/25 split
        made once for priorml (see ``PROVENANCE.md``).

    Returns
    -------
    train_index, test_index : numpy.ndarray of int64
        Original 0-based row numbers, in the order listed in the split file,
        usable as ``df.loc[train_index]`` on the frame returned by
        the dataset's loader. For Auto MPG the six
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
        Spec name, e.g. ``"auto_mpg"`` or ``"abalone"`` (see :func:`names`).

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
