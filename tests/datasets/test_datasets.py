"""Bundled datasets: contents, dtypes, provenance checksums, specs and fixed splits.

Fast (no model is fitted): the whole file runs in a few seconds.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from priorml import Spec, datasets
from priorml.spec.schema import Schema, check_target

NEW = ["diabetes", "breast_cancer", "abalone", "seattle_weather"]
ALL = ["auto_mpg", "heart", *NEW]

# name -> (rows, columns, target, dtypes that must hold, columns allowed to hold NaN)
EXPECTED = {
    "auto_mpg": (392, 9, "mpg", {"mpg": "float64", "weight": "int64", "origin": "int64"}, set()),
    "heart": (303, 14, "target", {"age": "int64", "oldpeak": "float64", "target": "int64"}, set()),
    "diabetes": (442, 11, "progression", {"age": "int64", "sex": "int64", "bmi": "float64", "s5": "float64",
                                          "s6": "int64", "progression": "int64"}, set()),
    "breast_cancer": (569, 31, "malignant", {"worst_radius": "float64", "mean_texture": "float64",
                                             "malignant": "int64"}, set()),
    "abalone": (4177, 9, "rings", {"length": "float64", "shell_weight": "float64", "rings": "int64"}, set()),
    "seattle_weather": (1461, 7, "temp_max", {"day_of_year": "int64", "temp_min": "float64", "temp_max": "float64",
                                              "precipitation": "float64", "wind": "float64"}, set()),
}


def _data_dir():
    return resources.files("priorml.datasets").joinpath("data")


@pytest.fixture(scope="module", params=ALL)
def bundle(request):
    name = request.param
    return name, datasets.load(name), Spec.from_yaml(datasets.spec_path(name))


# ---------------------------------------------------------------------- contents
def test_names_and_loaders_agree():
    assert datasets.names() == ALL
    for name in ALL:
        loader = getattr(datasets, f"load_{name}")
        pd.testing.assert_frame_equal(loader(), datasets.load(name))


def test_shape_dtypes_and_missing(bundle):
    name, df, spec = bundle
    rows, cols, target, dtypes, nan_ok = EXPECTED[name]
    assert df.shape == (rows, cols)
    assert spec.target == target and target in df.columns
    for col, dtype in dtypes.items():
        assert str(df[col].dtype) == dtype, (name, col, df[col].dtype)
    numeric = df.select_dtypes("number")
    assert np.isfinite(numeric.drop(columns=list(nan_ok)).to_numpy(float)).all()
    assert df.index.is_unique and df.index.is_monotonic_increasing


def test_return_X_y_splits_off_the_spec_target(bundle):
    name, df, spec = bundle
    X, y = datasets.load(name, return_X_y=True)
    assert y.name == spec.target
    assert spec.target not in X.columns and set(spec.feature_names) <= set(X.columns)
    pd.testing.assert_series_equal(y, df[spec.target])


def test_spec_validates_against_the_frame(bundle):
    name, df, spec = bundle
    X = df[list(spec.feature_names)]
    y = check_target(df[spec.target], spec.task, len(df))
    schema = Schema.fit(spec, X, y)
    codes = schema.transform(spec, X)
    assert codes.shape == (len(df), len(spec.features)) and np.isfinite(codes).all()
    if spec.task == "classification":
        assert set(np.unique(y)) == {0, 1}


@pytest.mark.parametrize("name", ALL)
def test_every_constraint_is_justified_in_a_comment(name):
    """Each constrained feature, output bound and prior of every bundled spec is named in the YAML's comments.

    (Heart's exang and the Auto MPG and abalone output bounds and priors once had no reason given.)
    """
    spec = Spec.from_yaml(datasets.spec_path(name))
    comments = " ".join(line for line in datasets.spec_path(name).read_text().splitlines()
                        if line.lstrip().startswith("#"))
    named = [f.name for f in spec.features if f.is_constrained]
    named += [p.feature for p in spec.priors.effects]
    for f in named:
        assert re.search(rf"\b{re.escape(f)}\b", comments), (name, f)
    if spec.output is not None:
        assert re.search(r"\boutput\b", comments), (name, "output")
    for other in ("noise", "intercept"):
        if getattr(spec.priors, other) is not None:
            assert re.search(rf"\b{other}\b", comments), (name, other)
    for inter in spec.interactions:
        assert re.search(rf"\b{re.escape(inter.feature)}\b", comments), (name, inter)


def test_auto_mpg_and_heart_unchanged():
    """The original loaders keep their behaviour (full Auto MPG keeps the 6 missing horsepowers)."""
    full = datasets.load_auto_mpg(drop_missing=False)
    assert full.shape == (398, 9)
    assert full.index[full["horsepower"].isna()].tolist() == [32, 126, 330, 336, 354, 374]
    X, y = datasets.load_auto_mpg(return_X_y=True)
    assert "name" not in X.columns and y.name == "mpg"


def test_heart_quirks_as_documented():
    """PROVENANCE.md: rows 247..252 are extra; cp 0 only in four of them, the stray thal codes in two."""
    h = datasets.load_heart()
    assert h.index[h["cp"] == 0].tolist() == [247, 248, 250, 251]
    assert h.index[h["thal"].isin(["1", "2"])].tolist() == [247, 252]
    assert h["thal"].value_counts().to_dict() == {"normal": 168, "reversible": 115, "fixed": 18, "1": 1, "2": 1}
    assert int(h["target"].sum()) == 83
    train, test = datasets.load_split("heart")
    assert not np.isin(np.arange(247, 253), test).any() and np.isin(np.arange(247, 253), train).all()


def test_new_datasets_match_their_sources():
    """Diabetes and breast cancer equal scikit-learn's copies; abalone matches UCI's published summary."""
    from sklearn.datasets import load_breast_cancer, load_diabetes

    sk = load_diabetes(scaled=False)
    df = datasets.load_diabetes()
    np.testing.assert_array_equal(df.drop(columns="progression").to_numpy(float), sk.data)
    np.testing.assert_array_equal(df["progression"].to_numpy(float), sk.target)

    sk = load_breast_cancer()
    df = datasets.load_breast_cancer()
    np.testing.assert_array_equal(df.drop(columns="malignant").to_numpy(float), sk.data)
    np.testing.assert_array_equal(df["malignant"].to_numpy(), 1 - sk.target)  # sklearn: 0 = malignant
    assert int(df["malignant"].sum()) == 212

    ab = datasets.load_abalone()
    assert ab["sex"].value_counts().to_dict() == {"M": 1528, "I": 1342, "F": 1307}
    assert (ab["rings"].min(), ab["rings"].max()) == (1, 29)
    assert round(ab["rings"].mean(), 3) == 9.934 and round(ab["length"].mean(), 3) == 0.524
    assert ab.iloc[0].tolist() == ["M", 0.455, 0.365, 0.095, 0.514, 0.2245, 0.101, 0.15, 15]

    sw = datasets.load_seattle_weather()
    dates = pd.to_datetime(sw["date"], format="%Y-%m-%d")
    assert (dates.diff().dropna() == pd.Timedelta(days=1)).all()  # every day, in order
    np.testing.assert_array_equal(sw["day_of_year"].to_numpy(), dates.dt.day_of_year.to_numpy())
    assert (sw["temp_max"] >= sw["temp_min"]).all() and (sw["precipitation"] >= 0).all()


def test_checksums_match_provenance():
    """Every bundled file is listed in PROVENANCE.md with its md5, and no listed file is missing."""
    text = _data_dir().joinpath("PROVENANCE.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([^`]+)` \| [^|]+ \| `([0-9a-f]{32})` \|$", text, flags=re.M))
    files = sorted(p.name for p in _data_dir().iterdir() if p.name.endswith((".csv", ".txt")))
    assert sorted(listed) == files
    for fname, md5 in listed.items():
        assert hashlib.md5(_data_dir().joinpath(fname).read_bytes()).hexdigest() == md5, fname


# ---------------------------------------------------------------------- splits
def test_split_disjoint_and_covering(bundle):
    name, df, _ = bundle
    train, test = datasets.load_split(name)
    assert train.dtype == test.dtype == np.int64
    assert np.intersect1d(train, test).size == 0
    assert len(np.unique(train)) == len(train) and len(np.unique(test)) == len(test)
    # covering: together they are exactly the rows of the loaded frame (Auto MPG: the 392 complete cars)
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), df.index.to_numpy())


@pytest.mark.parametrize("name", NEW)
def test_new_splits_follow_their_documented_recipe(name):
    """Recompute each new split from the procedure written in its header and PROVENANCE.md."""
    df = datasets.load(name)
    spec = Spec.from_yaml(datasets.spec_path(name))
    y = df[spec.target].to_numpy()
    n = len(y)
    if spec.task == "classification":
        strata = y
    else:
        strata = np.empty(n, int)
        strata[np.argsort(y, kind="stable")] = np.arange(n) * 4 // n
    rng = np.random.default_rng(2026)
    test = []
    for s in np.unique(strata):
        rows = np.flatnonzero(strata == s)
        test.extend(rng.permutation(rows)[: int(round(0.25 * len(rows)))].tolist())
    train_f, test_f = datasets.load_split(name)
    np.testing.assert_array_equal(test_f, np.sort(test))
    np.testing.assert_array_equal(train_f, np.setdiff1d(np.arange(n), test))
    # stratified: each stratum's test share is within one row of 25 %
    for s in np.unique(strata):
        rows = np.flatnonzero(strata == s)
        assert abs(np.isin(rows, test_f).sum() - 0.25 * len(rows)) <= 1


def test_unknown_names_are_refused_with_the_list():
    with pytest.raises(ValueError, match="available: auto_mpg, heart, diabetes, breast_cancer, abalone, seattle_weather"):
        datasets.load("iris")
    with pytest.raises(ValueError, match="abalone"):
        datasets.load_split("iris")
    with pytest.raises(ValueError, match="breast_cancer"):
        datasets.spec_path("iris")


def test_loaders_return_fresh_frames():
    a = datasets.load_abalone()
    a.loc[0, "rings"] = -1
    assert datasets.load_abalone().loc[0, "rings"] == 15
