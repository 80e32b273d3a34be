"""A catalogue of bad input: every case names its culprit and says what was received.

Spec problems raise :class:`SpecError`; data problems raise :class:`DataError` (a
``SpecError``); both are ``ValueError``. Each case asserts the exception type, the
location (``features.weight.monotonic``, ``X['weight']``), what was received and,
where there is one, the hint.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from priorml import (CategoricalFeature, DataError, EffectPrior, LatticeClassifier, LatticeRegressor, NumericFeature,
                     Output, Spec, SpecError, Trust)
import priorml
from priorml.errors import Problem


def _one(where: str, received: str, *more: str, n: int = 1) -> dict:
    return {"where": where, "received": received, "more": more, "n": n}


# (id, raw spec, expectation). Each raw spec is given to Spec.from_dict.
SPEC_CASES = [
    ("unknown key with did-you-mean",
     {"features": {"weight": {"shap": "convex"}}},
     _one("features.weight.shap", "got 'shap'", "Did you mean 'shape'?")),
    ("unknown top-level key",
     {"featurs": {"a": {}}},
     _one("spec.featurs", "got 'featurs'", "Did you mean 'features'?", n=2)),
    ("unknown output key",
     {"features": {"a": {}}, "output": {"minimum": 0}},
     _one("output.minimum", "got 'minimum'", "Did you mean 'min'?")),
    ("unknown prior key",
     {"features": {"a": {}}, "priors": {"a": {"effect": [-1, 1], "probability": 0.9}}},
     _one("priors.a.probability", "got 'probability'", "effect, prob")),
    ("bad monotonic word",
     {"features": {"weight": {"monotonic": "upward"}}},
     _one("features.weight.monotonic", "got 'upward'", "'increasing', 'decreasing', 1, -1 or 'none'")),
    ("bad monotonic number",
     {"features": {"weight": {"monotonic": 2}}},
     _one("features.weight.monotonic", "got 2")),
    ("monotonic given as a bool",
     {"features": {"weight": {"monotonic": True}}},
     _one("features.weight.monotonic", "got True")),
    ("monotonic and unimodal",
     {"features": {"age": {"monotonic": "increasing", "unimodal": "peak"}}},
     _one("features.age.unimodal", "monotonic='increasing' and unimodal='peak'", "drop one of the two keys")),
    ("convex with a peak",
     {"features": {"age": {"shape": "convex", "unimodal": "peak"}}},
     _one("features.age.shape", "got 'convex'", "unimodal='peak'")),
    ("shape typo",
     {"features": {"weight": {"shape": "convx"}}},
     _one("features.weight.shape", "got 'convx'", "Did you mean 'convex'?")),
    ("unimodal typo",
     {"features": {"age": {"unimodal": "top"}}},
     _one("features.age.unimodal", "got 'top'", "'peak', 'valley'")),
    ("convex on a categorical",
     {"features": {"grade": {"type": "categorical", "shape": "convex"}}},
     _one("features.grade.shape", "got 'convex'", "no 'shape' on a categorical feature")),
    ("monotonic on a categorical",
     {"features": {"grade": {"type": "categorical", "monotonic": "increasing"}}},
     _one("features.grade.monotonic", "got 'increasing'", "use 'order' to rank categories")),
    ("order on a numeric feature",
     {"features": {"year": {"order": [1, 2]}}},
     _one("features.year.order", "got [1, 2]", "type: categorical")),
    ("unknown feature type",
     {"features": {"grade": {"type": "ordinal"}}},
     _one("features.grade.type", "got 'ordinal'", "'numeric' or 'categorical'")),
    ("order names an unknown category",
     {"features": {"grade": {"type": "categorical", "categories": ["low", "mid", "high"],
                             "order": ["low", "hihg"]}}},
     _one("features.grade.order", "got 'hihg'", "Did you mean 'high'?", "(low, mid, high)")),
    ("order with a cycle",
     {"features": {"grade": {"type": "categorical", "order": [["a", "b"], ["b", "c"], ["c", "a"]]}}},
     _one("features.grade.order", "got a <= b <= c <= a", "without cycles")),
    ("order mixing a chain and pairs",
     {"features": {"grade": {"type": "categorical", "order": ["a", ["b", "c"]]}}},
     _one("features.grade.order", "got ['a', ['b', 'c']]", "not a mix")),
    ("category repeated in an order chain",
     {"features": {"grade": {"type": "categorical", "order": ["a", "b", "a"]}}},
     _one("features.grade.order", "got ['a', 'b', 'a']", "without repeated categories")),
    ("duplicate categories",
     {"features": {"origin": {"type": "categorical", "categories": ["eu", "us", "eu"]}}},
     _one("features.origin.categories", "got duplicates ['eu']", "List each category once")),
    ("duplicate categories 1 and '1'",
     {"features": {"origin": {"type": "categorical", "categories": [1, "1", 2]}}},
     _one("features.origin.categories", "got duplicates ['1']")),
    ("a single category",
     {"features": {"origin": {"type": "categorical", "categories": ["eu"]}}},
     _one("features.origin.categories", "got ['eu']", "at least 2 categories")),
    ("whole-number float categories",
     {"features": {"origin": {"type": "categorical", "categories": [1.0, 2.0]}}},
     _one("features.origin.categories", "got 1.0", "Write 1.0 as the integer 1", n=2)),
    ("NaN among the categories",
     {"features": {"origin": {"type": "categorical", "categories": ["a", float("nan")]}}},
     _one("features.origin.categories", "got nan", "set 'missing: category'")),
    ("fractional categories",
     {"features": {"origin": {"type": "categorical", "categories": [1.5, 2]}}},
     _one("features.origin.categories", "got 1.5", "quote numbers with a fraction")),
    ("categories not a list",
     {"features": {"origin": {"type": "categorical", "categories": "eu,us"}}},
     _one("features.origin.categories", "got 'eu,us'", "a list of categories")),
    ("bad categorical missing",
     {"features": {"origin": {"type": "categorical", "missing": "median"}}},
     _one("features.origin.missing", "got 'median'", "'error', 'mode', 'category'")),
    ("bad numeric missing",
     {"features": {"weight": {"missing": "medain"}}},
     _one("features.weight.missing", "got 'medain'", "Did you mean 'median'?")),
    ("clip reversed",
     {"features": {"weight": {"clip": [5, 1]}}},
     _one("features.weight.clip", "got [5, 1]", "Swap")),
    ("clip not finite",
     {"features": {"weight": {"clip": [0, float("inf")]}}},
     _one("features.weight.clip", "got [0, inf]", "finite numbers")),
    ("keypoints < 2",
     {"features": {"year": {"keypoints": 1}}},
     _one("features.year.keypoints", "got 1", "integer >= 2")),
    ("one explicit keypoint",
     {"features": {"year": {"keypoints": [3]}}},
     _one("features.year.keypoints", "got [3]", "at least 2 keypoints")),
    ("keypoints not increasing",
     {"features": {"year": {"keypoints": [0, 2, 1]}}},
     _one("features.year.keypoints", "got [0, 2, 1]", "strictly increasing")),
    ("keypoints repeated",
     {"features": {"year": {"keypoints": [0, 1, 1]}}},
     _one("features.year.keypoints", "got [0, 1, 1]", "remove duplicates")),
    ("keypoints outside the clip range",
     {"features": {"year": {"keypoints": [0, 10], "clip": [1, 5]}}},
     _one("features.year.keypoints", "got [0.0, 10.0]", "clip range [1.0, 5.0]")),
    ("keypoints not a number",
     {"features": {"year": {"keypoints": "many"}}},
     _one("features.year.keypoints", "got 'many'")),
    ("trust names an unknown feature",
     {"features": {"horsepower": {"monotonic": -1}}, "interactions": [
         {"trust": "edgeworth", "feature": "horsepower", "by": "wieght"}]},
     _one("interactions[trust horsepower by wieght].by", "got 'wieght'", "a declared feature")),
    ("trust of a feature by itself",
     {"features": {"horsepower": {"monotonic": -1}}, "interactions": [
         {"trust": "edgeworth", "feature": "horsepower", "by": "horsepower"}]},
     _one("interactions[0].by", "got 'horsepower'", "two different features")),
    ("trust whose main feature is not monotonic",
     {"features": {"horsepower": {}, "weight": {}}, "interactions": [
         {"trust": "edgeworth", "feature": "horsepower", "by": "weight"}]},
     _one("interactions[trust horsepower by weight].feature", "got 'horsepower' which is not monotonic",
          "Add 'monotonic' to 'horsepower'")),
    ("trust kind typo",
     {"features": {"horsepower": {"monotonic": -1}, "weight": {}}, "interactions": [
         {"trust": "edgewort", "feature": "horsepower", "by": "weight"}]},
     _one("interactions[0].trust", "got 'edgewort'", "Did you mean 'edgeworth'?")),
    ("trust direction nonsense",
     {"features": {"horsepower": {"monotonic": -1}, "weight": {}}, "interactions": [
         {"trust": "edgeworth", "feature": "horsepower", "by": "weight", "direction": "sideways"}]},
     _one("interactions[0].direction", "got 'sideways'", "'positive', 'negative', 1 or -1")),
    ("trust without 'by'",
     {"features": {"horsepower": {"monotonic": -1}}, "interactions": [{"trust": "edgeworth", "feature": "horsepower"}]},
     _one("interactions[0].by", "got nothing", "Add 'by: <feature>'")),
    ("interaction that is neither trust nor dominance",
     {"features": {"a": {}}, "interactions": [{"feature": "a"}]},
     _one("interactions[0]", "got {'feature': 'a'}", "exactly one of 'trust' or 'dominance'")),
    ("interactions not a list",
     {"features": {"a": {}}, "interactions": {"trust": "edgeworth"}},
     _one("spec.interactions", "got {'trust': 'edgeworth'}", "a list")),
    ("dominance of a non-monotonic feature",
     {"features": {"weight": {"monotonic": -1}, "acceleration": {}}, "interactions": [
         {"dominance": "monotonic", "feature": "weight", "over": "acceleration"}]},
     _one("interactions[dominance weight over acceleration].over", "got 'acceleration' which is not monotonic")),
    ("dominance in opposite directions",
     {"features": {"weight": {"monotonic": -1}, "year": {"monotonic": 1}}, "interactions": [
         {"dominance": "monotonic", "feature": "weight", "over": "year"}]},
     _one("interactions[dominance weight over year].over", "got 'weight' decreasing and 'year' increasing",
          "same direction")),
    ("the same pair constrained twice",
     {"features": {"a": {"monotonic": 1}, "b": {"monotonic": 1}}, "interactions": [
         {"dominance": "monotonic", "feature": "a", "over": "b"}, {"dominance": "range", "feature": "b", "over": "a"}]},
     _one("spec.interactions", "got dominance ('b', 'a')", "Remove the duplicate")),
    ("a cycle of dominances",
     {"features": {"a": {"monotonic": 1}, "b": {"monotonic": 1}, "c": {"monotonic": 1}}, "interactions": [
         {"dominance": "monotonic", "feature": "a", "over": "b"}, {"dominance": "range", "feature": "b", "over": "c"},
         {"dominance": "monotonic", "feature": "c", "over": "a"}]},
     _one("spec.interactions", "got a over b over c over a", "remove one of the dominances")),
    ("output min >= max",
     {"features": {"a": {}}, "output": {"min": 60, "max": 0}},
     _one("output.min", "got 60.0", "min < max (max is 0.0)")),
    ("output min == max",
     {"features": {"a": {}}, "output": {"min": 1, "max": 1}},
     _one("output.min", "got 1.0", "min < max")),
    ("output not a mapping",
     {"features": {"a": {}}, "output": 5},
     _one("spec.output", "got 5", "{min: ..., max: ...}")),
    ("output bounds for classification",
     {"task": "classification", "features": {"a": {}}, "output": {"min": 0, "max": 1}},
     _one("spec.output", "got {'min': 0.0, 'max': 1.0}", "Remove the output block")),
    ("prior for an unknown feature",
     {"features": {"weight": {}}, "priors": {"wieght": {"effect": [-20, -5]}}},
     _one("priors.wieght", "got 'wieght'", "Did you mean 'weight'?")),
    ("prior range reversed",
     {"features": {"weight": {}}, "priors": {"weight": {"effect": [-5, -20]}}},
     _one("priors.weight.effect", "got [-5, -20]", "[low, high]")),
    ("prior prob above 1",
     {"features": {"weight": {}}, "priors": {"weight": {"effect": [-20, -5], "prob": 1.5}}},
     _one("priors.weight.prob", "got 1.5", "strictly between 0 and 1")),
    ("prior prob of 0",
     {"features": {"weight": {}}, "priors": {"weight": {"effect": [-20, -5], "prob": 0}}},
     _one("priors.weight.prob", "got 0", "strictly between 0 and 1")),
    ("prior without effect",
     {"features": {"weight": {}}, "priors": {"weight": {"prob": 0.9}}},
     _one("priors.weight.effect", "got nothing", "Add 'effect'")),
    ("prior sign contradicts increasing",
     {"features": {"year": {"monotonic": "increasing"}}, "priors": {"year": {"effect": [-5, -1]}}},
     _one("priors.year.effect", "got [-5.0, -1.0]", "[0, inf) because 'year' is increasing")),
    ("prior sign contradicts decreasing",
     {"features": {"weight": {"monotonic": "decreasing"}}, "priors": {"weight": {"effect": [5, 20]}}},
     _one("priors.weight.effect", "got [5.0, 20.0]", "(-inf, 0] because 'weight' is decreasing")),
    ("effect prior on a categorical",
     {"features": {"origin": {"type": "categorical"}}, "priors": {"origin": {"effect": [-1, 1]}}},
     _one("priors.origin", "got a categorical feature", "numeric feature")),
    ("negative noise scale",
     {"features": {"a": {}}, "priors": {"noise": {"scale": -1}}},
     _one("priors.noise.scale", "got -1", "positive number")),
    ("noise prior for classification",
     {"task": "classification", "features": {"a": {}}, "priors": {"noise": {"scale": 1}}},
     _one("priors.noise", "got {'scale': 1.0}", "Remove priors.noise")),
    ("feature named like a reserved prior key",
     {"features": {"noise": {}}, "priors": {"noise": {"scale": 1}}},
     _one("features.noise", "got 'noise'", "reserved")),
    ("no features",
     {"features": {}},
     _one("spec.features", "got {}", "Declare at least one feature")),
    ("no features key",
     {"task": "regression"},
     _one("spec.features", "got None", "Declare at least one feature")),
    ("features as a list",
     {"features": ["a", "b"]},
     _one("spec.features", "got ['a', 'b']", "non-empty mapping")),
    ("feature body not a mapping",
     {"features": {"weight": "decreasing"}},
     _one("features.weight", "got 'decreasing'", "{monotonic: increasing}")),
    ("bad task with did-you-mean",
     {"task": "regresion", "features": {"a": {}}},
     _one("spec.task", "got 'regresion'", "Did you mean 'regression'?")),
    ("multiclass task",
     {"task": "multiclass", "features": {"a": {}}},
     _one("spec.task", "got 'multiclass'", "'regression', 'classification'")),
    ("target not a string",
     {"target": 5, "features": {"a": {}}},
     _one("spec.target", "got 5", "column name")),
    ("target that is also a feature",
     {"target": "x", "features": {"x": {}, "z": {}}},
     _one("spec.target", "got 'x', which is also declared under features", "not one of the features",
          "Remove 'x' from features")),
    ("spec not a mapping",
     ["weight", "year"],
     _one("spec", "got list", "a mapping")),
]


def _check_message(exc: SpecError, where: str, received: str, more: tuple, n: int) -> None:
    msg = str(exc)
    assert isinstance(exc, ValueError)
    assert f"{n} problem{'s' if n != 1 else ''} found" in msg, msg
    line = next((ln for ln in msg.splitlines() if ln.strip().startswith(f"- {where}:")), None)
    assert line is not None, f"no problem located at {where!r} in:\n{msg}"
    assert received in line, f"{received!r} not in {line!r}"
    for fragment in more:
        assert fragment in line, f"{fragment!r} not in {line!r}"


@pytest.mark.parametrize("raw, expected", [c[1:] for c in SPEC_CASES], ids=[c[0] for c in SPEC_CASES])
def test_bad_spec(raw, expected):
    before = copy.deepcopy(raw)
    with pytest.raises(SpecError) as info:
        Spec.from_dict(raw)
    assert type(info.value) is SpecError
    _check_message(info.value, **expected)
    assert raw == before  # the user's dict is not changed, even on failure


def test_the_catalogue_is_large_enough():
    assert len(SPEC_CASES) >= 35 and len({c[0] for c in SPEC_CASES}) == len(SPEC_CASES)


def test_problems_carry_feature_and_key():
    with pytest.raises(SpecError) as info:
        Spec.from_dict({"features": {"weight": {"monotonic": "upward"}}})
    (problem,) = info.value.problems
    assert isinstance(problem, Problem)
    assert (problem.where, problem.feature, problem.key) == ("features.weight.monotonic", "weight", "monotonic")
    assert problem.received == "'upward'"


def test_a_target_among_the_features_is_refused_however_the_spec_is_built():
    # The command line would otherwise train on the answer: the target column given as an input.
    builds = [("x", lambda: Spec.from_dict({"target": "x", "features": {"x": {}, "z": {}}})),
              ("x", lambda: Spec((NumericFeature("x"), NumericFeature("z")), target="x")),
              ("z", lambda: Spec((NumericFeature("x"), NumericFeature("z")), target="y").replace(target="z"))]
    for name, build in builds:
        with pytest.raises(SpecError) as info:
            build()
        (problem,) = info.value.problems
        assert (problem.where, problem.feature, problem.key) == ("spec.target", name, "target")
        assert "not one of the features" in problem.expected and problem.received.startswith(repr(name))
        assert f"Remove {name!r} from features" in problem.fix
    # reported with the other problems when a feature fails to parse
    with pytest.raises(SpecError) as info:
        Spec.from_dict({"target": "x", "features": {"x": {"monotonic": 2}, "z": {}}})
    assert [p.where for p in info.value.problems] == ["features.x.monotonic", "spec.target"]
    assert Spec.from_dict({"target": "y", "features": {"x": {}, "z": {}}}).target == "y"


# ---------------------------------------------------------------------- several problems at once
def test_several_problems_are_reported_together_in_spec_order():
    raw = {
        "task": "clasification",
        "features": {
            "weight": {"monotonic": "upward", "shap": "convex"},
            "origin": {"type": "categorical", "categories": ["eu", "eu"]},
            "year": {"keypoints": 1},
        },
        "output": {"min": 3, "max": 1},
        "priors": {"wieght": {"effect": [1, 2]}},
    }
    with pytest.raises(SpecError) as info:
        Spec.from_dict(raw)
    msg = str(info.value)
    assert msg.startswith("Invalid spec: 7 problems found.")
    wheres = [p.where for p in info.value.problems]
    assert wheres == ["spec.task", "features.weight.shap", "features.weight.monotonic", "features.origin.categories",
                      "features.year.keypoints", "output.min", "priors.wieght"]
    assert "Did you mean 'classification'?" in msg and "Did you mean 'shape'?" in msg


def test_cross_checks_still_run_when_a_feature_fails_to_parse():
    raw = {"features": {"weight": {"monotonic": "upward"}, "year": {"monotonic": 1}},
           "interactions": [{"trust": "edgeworth", "feature": "year", "by": "horsepower"}]}
    with pytest.raises(SpecError, match="2 problems found") as info:
        Spec.from_dict(raw)
    assert [p.where for p in info.value.problems] == ["features.weight.monotonic",
                                                      "interactions[trust year by horsepower].by"]


def test_feature_constructor_reports_all_its_problems():
    with pytest.raises(SpecError, match="2 problems found") as info:
        NumericFeature("x", monotonic="upward", shape="round")
    assert [p.where for p in info.value.problems] == ["features.x.monotonic", "features.x.shape"]


@pytest.mark.parametrize("build, where, received", [
    (lambda: CategoricalFeature("g", order=[["a", "b"], ["b", "a"]]), "features.g.order", "a <= b <= a"),
    (lambda: Output(min=2, max=1), "output.min", "got 2.0"),
    (lambda: Trust("a", "a"), "interactions[trust a by a].by", "got 'a'"),
    (lambda: EffectPrior("w", (1, 2), prob=2), "priors.w.prob", "got 2"),
], ids=["categorical", "output", "trust", "prior"])
def test_python_constructors_validate_too(build, where, received):
    with pytest.raises(SpecError) as info:
        build()
    _check_message(info.value, where, received, (), 1)


# ---------------------------------------------------------------------- YAML / JSON sources
def test_bad_yaml_syntax_names_the_position():
    with pytest.raises(SpecError) as info:
        Spec.from_yaml("features:\n  weight: {monotonic: decreasing\n")
    msg = str(info.value)
    assert "YAML text: expected valid YAML" in msg and "line 2" in msg


def test_bad_yaml_file_names_the_file(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("features: [\n")
    with pytest.raises(SpecError, match=rf"{path}: expected valid YAML"):
        Spec.from_yaml(path)


def test_bad_json_syntax():
    with pytest.raises(SpecError, match=r"JSON text: expected valid JSON; got Expecting value: line 1 column 14"):
        Spec.from_json('{"features": ')


@pytest.mark.parametrize("reader", [Spec.from_yaml, Spec.from_json], ids=["yaml", "json"])
def test_missing_file(reader, tmp_path):
    path = tmp_path / "nope.spec"
    with pytest.raises(SpecError) as info:
        reader(path)
    _check_message(info.value, str(path), "a path that does not exist", ("Check the file name",), 1)


def test_yaml_that_is_not_a_mapping():
    with pytest.raises(SpecError, match=r"YAML text: expected a mapping of spec keys \(task, features, "
                                        r"interactions, ...\); got a list. Is this the spec file\?"):
        Spec.from_yaml("- weight\n- year\n")
    with pytest.raises(SpecError, match=r"JSON text: expected a mapping of spec keys .*; got a list.*Spec.from_json"):
        Spec.from_json('["a", "b"]')  # one line of JSON is text, not a file name


def test_spec_source_that_is_not_a_spec_file(tmp_path):
    with pytest.raises(SpecError) as info:
        Spec.from_yaml(5)
    _check_message(info.value, "source", "int", ("Pass a file name",), 1)
    with pytest.raises(SpecError) as info:
        Spec.from_yaml(tmp_path)
    _check_message(info.value, str(tmp_path), "a directory", ("Name the spec file inside it",), 1)
    binary = tmp_path / "data.xlsx"
    binary.write_bytes(b"PK\x03\x04\x14\x00\xb5\xff\xfe")
    with pytest.raises(SpecError) as info:
        Spec.from_yaml(binary)
    _check_message(info.value, str(binary), "a binary file", ("Is this the spec?",), 1)
    latin = tmp_path / "latin1.yaml"  # a spec saved in Latin-1 is text, not a binary file
    latin.write_bytes("task: regression\nfeatures:\n  caf\u00e9: {}\n".encode("latin-1"))
    with pytest.raises(SpecError) as info:
        Spec.from_yaml(latin)
    _check_message(info.value, str(latin), "byte 0xe9 on line 3 is not UTF-8", ("Save it as UTF-8",), 1)
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes("task: regression\n".encode("utf-16"))
    with pytest.raises(SpecError) as info:
        Spec.from_yaml(utf16)
    _check_message(info.value, str(utf16), "a UTF-16 text file", ("Save it as UTF-8",), 1)
    utf32 = tmp_path / "utf32.yaml"  # its byte-order mark starts like UTF-16's
    utf32.write_bytes("task: regression\n".encode("utf-32"))
    with pytest.raises(SpecError) as info:
        Spec.from_yaml(utf32)
    _check_message(info.value, str(utf32), "a UTF-32 text file", ("Save it as UTF-8",), 1)
    csv = tmp_path / "data.csv"
    csv.write_text("a,b,y\n1,2,3\n4,5,6\n")
    with pytest.raises(SpecError) as info:
        Spec.from_yaml(csv)  # the data file given where the spec goes
    _check_message(info.value, str(csv), "a str ('a,b,y", ("check the order of the arguments",), 1)


def test_yaml_key_given_twice_is_refused():
    with pytest.raises(SpecError, match=r"the key 'a' is given twice \(first on line 2\)"):
        Spec.from_yaml("features:\n  a: {monotonic: increasing}\n  b: {}\n  a: {}\n")
    with pytest.raises(SpecError, match=r"the key 'monotonic' is given twice"):
        Spec.from_yaml("features:\n  a: {monotonic: increasing, monotonic: decreasing}\n")


def test_json_key_given_twice_is_refused(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text('{"features": {"a": {"monotonic": "increasing"}, "b": {}, "a": {}}}')
    with pytest.raises(SpecError, match=r"the key 'a' given twice") as info:  # was: the first 'a' silently dropped
        Spec.from_json(path)
    assert [p.where for p in info.value.problems] == [str(path)]
    with pytest.raises(SpecError, match=r"the key 'monotonic' given twice"):
        Spec.from_json('{"features": {"a": {"monotonic": 1, "monotonic": -1}}}')


@pytest.mark.parametrize("text, where", [
    ("features:\n  smoker: {type: categorical, categories: [no, yes]}\n", "features.smoker.categories"),
    ("features:\n  a: {monotonic: yes}\n", "features.a.monotonic"),
])
def test_yaml_booleans_get_a_hint_to_quote(text, where):
    with pytest.raises(SpecError) as info:
        Spec.from_yaml(text)
    p = info.value.problems[0]
    assert p.where == where and p.received in ("True", "False")
    assert "quote the value" in p.fix


def test_python_built_spec_parts_are_checked():
    from priorml import NumericFeature

    with pytest.raises(SpecError) as info:
        Spec(features=("a", "b"))
    assert [p.where for p in info.value.problems] == ["features[0]", "features[1]"]
    assert "NumericFeature" in info.value.problems[0].expected
    with pytest.raises(SpecError) as info:
        Spec(features=(NumericFeature("a"),), output={"min": 0, "mx": 1})
    assert info.value.problems[0].where == "output.mx" and "Did you mean 'max'?" in info.value.problems[0].fix


def test_integer_feature_names_are_text_everywhere():
    spec = Spec.from_yaml("features:\n  1: {monotonic: increasing}\n  2: {monotonic: increasing}\n"
                          "interactions:\n  - {dominance: monotonic, feature: 1, over: 2}\n"
                          "priors:\n  1: {effect: [0, 2]}\n")
    assert spec.feature_names == ("1", "2")
    assert spec.dominances[0].feature == "1" and spec.priors.effects[0].feature == "1"
    assert Spec.from_dict(spec.to_dict()) == spec


def test_yaml_file_with_a_spec_error_reports_the_spec_problem(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("features:\n  weight: {monotonic: upward}\n")
    with pytest.raises(SpecError, match=r"features\.weight\.monotonic: .* got 'upward'"):
        Spec.from_yaml(path)


# ---------------------------------------------------------------------- data at fit and predict
SPEC = {"features": {"weight": {"monotonic": "decreasing"},
                     "origin": {"type": "categorical", "categories": [1, 2, 3]}}}


@pytest.fixture
def df() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"weight": rng.uniform(1, 2, 40), "origin": rng.integers(1, 4, 40)},
                        index=[f"r{i}" for i in range(40)])


@pytest.fixture
def y() -> np.ndarray:
    return np.random.default_rng(1).normal(size=40)


def _fit_error(est, X, y, **kw) -> DataError:
    with pytest.raises(DataError) as info:
        est.fit(X, y, **kw)
    assert isinstance(info.value, SpecError) and isinstance(info.value, ValueError)
    return info.value


def test_missing_column_is_named(df, y, check_only):
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df.drop(columns="weight"), y)
    _check_message(exc, "X['weight']", "got no such column", ("Columns present: ['origin']",), 1)


def test_missing_column_at_predict(df, y, check_only):
    est = LatticeRegressor(SPEC, **check_only).fit(df, y)
    with pytest.raises(DataError) as info:
        est.predict(df[["origin"]])
    _check_message(info.value, "X['weight']", "got no such column", ("Columns present: ['origin']",), 1)


def test_missing_column_did_you_mean(df, y, check_only):
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df.rename(columns={"weight": "Weight"}), y)
    _check_message(exc, "X['weight']", "no such column", ("Did you mean 'Weight'?",), 1)


def test_text_in_a_numeric_column_names_column_and_row(df, y, check_only):
    bad = df.astype({"weight": object})
    bad.loc["r3", "weight"] = "heavy"
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), bad, y)
    _check_message(exc, "X['weight']", "got 'heavy' at row 'r3'", ("type: categorical",), 1)


def test_nan_with_missing_error(df, y, check_only):
    bad = df.copy()
    bad.loc["r5", "weight"] = np.nan
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), bad, y)
    _check_message(exc, "X['weight']", "1 missing (NaN), first at row 'r5'", ("missing: median",), 1)
    assert exc.problems[0].key == "missing"


def test_missing_category_with_missing_error(df, y, check_only):
    bad = df.astype({"origin": object})
    bad.loc["r2", "origin"] = None
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), bad, y)
    _check_message(exc, "X['origin']", "1 missing, first at row 'r2'", ("missing: mode",), 1)


def test_inf_in_a_feature(df, y, check_only):
    bad = df.copy()
    bad.loc["r6", "weight"] = -np.inf
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), bad, y)
    _check_message(exc, "X['weight']", "got inf at row 'r6'", ("finite values",), 1)


@pytest.mark.parametrize("value, shown", [(np.nan, "nan at row 4"), (np.inf, "inf at row 4")])
def test_nan_or_inf_in_the_target(df, y, value, shown, check_only):
    y = y.copy()
    y[4] = value
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df, y)
    _check_message(exc, "y", f"got {shown}", ("drop them before fitting",), 1)


def test_a_target_series_names_its_row_by_label_like_x(df, y, check_only):
    """A pandas target names the bad row by its index label, as messages about X do (not by position)."""
    target = pd.Series(y, index=df.index)
    target["r9"] = np.nan
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df, target)
    _check_message(exc, "y", "got nan at row 'r9'", ("drop them before fitting",), 1)
    numbered = pd.Series(y, index=range(100, 140))  # an integer label reads as in X's messages, not np.int64(...)
    numbered[130] = np.nan
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df.set_axis(numbered.index), numbered)
    _check_message(exc, "y", "got nan at row 130.", (), 1)
    labels = pd.Series(np.where(y > 0, "a", "b"), index=df.index, dtype=object)
    labels["r3"] = None
    exc = _fit_error(LatticeClassifier(SPEC, **check_only), df, labels)
    _check_message(exc, "y", "a missing label at row 'r3'", ("Drop the rows",), 1)


def test_a_categorical_column_with_only_missing_values_and_missing_mode(df, y, check_only):
    # was "expected no missing values (missing: error)", although the spec says mode
    spec = {"features": {"weight": {}, "origin": {"type": "categorical", "categories": [1, 2, 3], "missing": "mode"}}}
    exc = _fit_error(LatticeRegressor(spec, **check_only), df.assign(origin=None), y)
    _check_message(exc, "X['origin']", "got only missing values", ("'missing: mode' imputes", "missing: category"), 1)


def test_category_outside_the_declared_list(df, y, check_only):
    bad = df.copy()
    bad.loc["r7", "origin"] = 7
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), bad, y)
    _check_message(exc, "X['origin']", "got 7 at row 'r7' (1 rows outside the list)", ("[1, 2, 3]",), 1)


def test_unseen_category_at_predict(df, y, check_only):
    spec = {"features": {"weight": {}, "origin": {"type": "categorical"}}}  # categories learnt from the data
    est = LatticeRegressor(spec, **check_only).fit(df, y)
    bad = df.copy()
    bad.loc["r7", "origin"] = 9
    with pytest.raises(DataError) as info:
        est.predict(bad)
    _check_message(info.value, "X['origin']", "got 9 at row 'r7'", ("seen in training [1, 2, 3]",), 1)


def test_x_and_y_lengths_differ(df, y, check_only):
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df, y[:-1])
    _check_message(exc, "y", "got 39 values", ("40 values (one per row of X)",), 1)


def test_y_none(df, check_only):
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df, None)
    _check_message(exc, "y", "got None", ("requires y to be passed",), 1)


def test_classification_target_with_one_class(df, check_only):
    exc = _fit_error(LatticeClassifier(SPEC, **check_only), df, np.ones(40, dtype=int))
    _check_message(exc, "y", "got only one class (1)", ("both classes",), 1)


def test_classification_target_with_three_classes(df, check_only):
    exc = _fit_error(LatticeClassifier(SPEC, **check_only), df, np.arange(40) % 3)
    _check_message(exc, "y", "got 3 classes [0, 1, 2]", ("Only binary classification is supported",), 1)


def test_classification_target_that_is_continuous(df, y, check_only):
    exc = _fit_error(LatticeClassifier(SPEC, **check_only), df, y)
    _check_message(exc, "y", "continuous target", ("Use a regressor",), 1)


@pytest.mark.parametrize("spec", [SPEC, None], ids=["with spec", "without spec"])
def test_sparse_input(df, y, spec, check_only):
    sparse = pytest.importorskip("scipy.sparse")
    exc = _fit_error(LatticeRegressor(spec, **check_only), sparse.csr_matrix(df.to_numpy()), y)
    _check_message(exc, "X", "got a sparse matrix", ("X.toarray()",), 1)


@pytest.mark.parametrize("spec", [SPEC, None], ids=["with spec", "without spec"])
def test_one_dimensional_x(df, y, spec, check_only):
    exc = _fit_error(LatticeRegressor(spec, **check_only), df["weight"].to_numpy(), y)
    _check_message(exc, "X", "shape (40,)", ("X.reshape(-1, 1)",), 1)


def test_numpy_array_with_the_wrong_number_of_columns(df, y, check_only):
    X = np.column_stack([df.to_numpy(), df.to_numpy()])
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), X, y)
    _check_message(exc, "X", "got 4 columns", ("2 columns in spec order (weight, origin)",), 1)


def test_negative_sample_weight(df, y, check_only):
    sw = np.ones(40)
    sw[3] = -2.0
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df, y, sample_weight=sw)
    _check_message(exc, "sample_weight", "got -2.0 at row 3", ("non-negative",), 1)


def test_sample_weight_of_the_wrong_length(df, y, check_only):
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df, y, sample_weight=np.ones(7))
    _check_message(exc, "sample_weight", "got shape (7,)", ("an array of 40 weights",), 1)


def test_several_data_problems_at_once(df, y, check_only):
    bad = df.astype({"weight": object})
    bad.loc["r1", "weight"] = "heavy"
    bad.loc["r2", "origin"] = 8
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), bad, y)
    assert str(exc).startswith("Invalid data: 2 problems found.")
    assert [p.where for p in exc.problems] == ["X['weight']", "X['origin']"]


def test_a_bad_spec_given_to_an_estimator_is_a_spec_error(df, y, check_only):
    with pytest.raises(SpecError) as info:
        LatticeRegressor({"features": {"weight": {"monotonic": "upward"}}}, **check_only).fit(df, y)
    assert not isinstance(info.value, DataError)
    _check_message(info.value, "features.weight.monotonic", "got 'upward'", (), 1)


def test_bad_estimator_parameter_uses_sklearn_wording(df, y):
    from sklearn.utils._param_validation import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=r"The 'epochs' parameter of LatticeRegressor must be .* Got 0"):
        LatticeRegressor(SPEC, epochs=0).fit(df, y)


# ---------------------------------------------------------------------- the user's inputs are not changed
def test_fit_and_predict_do_not_change_the_dataframe(y, check_only):
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"weight": rng.uniform(1, 2, 40), "origin": rng.choice(["1", "2", "3"], 40),
                       "extra": np.arange(40)})
    df.loc[df.index[:3], "weight"] = np.nan  # imputed by the spec, must stay NaN here
    spec = {"features": {"weight": {"missing": "median", "clip": [1.2, 1.8]},
                         "origin": {"type": "categorical", "categories": [1, 2, 3]}}}
    before = df.copy(deep=True)
    spec_before = copy.deepcopy(spec)
    est = LatticeRegressor(spec, **check_only).fit(df, y)
    est.predict(df)
    pd.testing.assert_frame_equal(df, before)
    assert spec == spec_before and est.get_params()["spec"] is spec


def test_fit_does_not_change_numpy_inputs(df, y, check_only):
    X = df.to_numpy(dtype=float)
    X_before, y_before = X.copy(), y.copy()
    sw = np.ones(40)
    LatticeRegressor(SPEC, **check_only).fit(X, y, sample_weight=sw).predict(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(sw, np.ones(40))


# ---------------------------------------------------------------------- found by the bad-input audit (2026-11-30)
def test_duplicated_column_names_are_refused_everywhere(df, y, check_only):
    import priorml

    dup = pd.concat([df, df[["weight"]]], axis=1)
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), dup, y)
    _check_message(exc, "X", "'weight' 2 times", ("expected distinct column names", "X.columns.duplicated()"), 1)
    est = LatticeRegressor(SPEC, **check_only).fit(df, y)
    with pytest.raises(DataError, match=r"'weight' 2 times"):
        est.predict(dup)
    with pytest.raises(DataError, match=r"'weight' 2 times"):  # the same check through the schema
        priorml.check_assumptions(SPEC, dup, y, n_bootstrap=100)


def test_classifier_labels_of_mixed_types(df, check_only):
    labels = pd.Series([0 if i % 2 else "yes" for i in range(40)], dtype=object)
    exc = _fit_error(LatticeClassifier(SPEC, **check_only), df, labels)
    _check_message(exc, "y", "a mix of int, str", ("class labels of one type", "astype(str)"), 1)


def test_sample_weight_that_is_not_numbers(df, y, check_only):
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df, y, sample_weight=["1"] * 39 + ["heavy"])
    _check_message(exc, "sample_weight", "values of type <U5", ("Convert the weights to numbers",), 1)


def test_values_too_large_for_float32(df, y, check_only):
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), df.assign(weight=df["weight"] * 1e40), y)
    _check_message(exc, "X['weight']", "e+40", ("magnitude below 1e+30", "Rescale the column"), 1)


def test_a_classification_spec_given_to_a_regressor(df, y, check_only):
    with pytest.raises(SpecError) as info:
        LatticeRegressor({**SPEC, "task": "classification"}, **check_only).fit(df, y)
    _check_message(info.value, "task", "'classification'", ("Use LatticeClassifier or BayesianClassifier",), 1)


@pytest.mark.parametrize("key, value, shown", [("keypoints", [10.0, 20.0], "explicit keypoints [10.0, 20.0]"),
                                               ("clip", [5.0, 6.0], "clip range [5.0, 6.0]")])
def test_a_range_that_misses_the_data_warns(df, y, key, value, shown, check_only):
    import priorml

    spec = {"features": {"weight": {"monotonic": "decreasing", key: value}, "origin": SPEC["features"]["origin"]}}
    with pytest.warns(priorml.DataWarning, match=r"Feature 'weight': every training value lies outside its "
                                                 + shown.replace("[", r"\[").replace("]", r"\]")):
        LatticeRegressor(spec, **check_only).fit(df, y)


def test_output_bounds_that_exclude_the_targets_warn(df, y, check_only):
    import warnings

    import priorml

    with pytest.warns(priorml.DataWarning, match=r"100% of the training targets lie outside the spec's output bounds"):
        LatticeRegressor({**SPEC, "output": {"min": 100, "max": 200}}, **check_only).fit(df, y)
    with warnings.catch_warnings():  # bounds at the target's quantiles are fine
        warnings.simplefilter("error", priorml.DataWarning)
        lo, hi = np.quantile(y, [0.1, 0.9])
        LatticeRegressor({**SPEC, "output": {"min": float(lo), "max": float(hi)}}, **check_only).fit(df, y)


def test_certify_input_is_checked(df, y, check_only):
    import priorml
    from sklearn.linear_model import LinearRegression

    est = LatticeRegressor(SPEC, **check_only).fit(df, y)
    with pytest.raises(DataError) as info:
        priorml.certify(est, df[["origin"]])
    _check_message(info.value, "X['weight']", "no such column", (), 1)
    with pytest.raises(DataError) as info:
        priorml.certify(est, df.iloc[:0])
    _check_message(info.value, "X", "0 rows", ("at least one row",), 1)
    for bad in (0, "10", 2.5):
        with pytest.raises(DataError) as info:
            priorml.certify(est, df, n_rows=bad)
        _check_message(info.value, "n_rows", repr(bad), ("an integer >= 1",), 1)
    with pytest.raises(DataError) as info:
        priorml.certify(LinearRegression().fit(df, y), df)
    _check_message(info.value, "model", "LinearRegression", ("a fitted priorml estimator",), 1)


# ---------------------------------------------------------------------- every problem says how to fix it
FIX_CASES = {
    "monotonic 2": {"features": {"x": {"monotonic": 2}}},
    "keypoints [1]": {"features": {"x": {"keypoints": [1]}}},
    "keypoints 'ten'": {"features": {"x": {"keypoints": "ten"}}},
    "keypoints [1, 'a']": {"features": {"x": {"keypoints": [1, "a"]}}},
    "clip 5": {"features": {"x": {"clip": 5}}},
    "clip [0, 'a']": {"features": {"x": {"clip": [0, "a"]}}},
    "categories [1.5, 2.5]": {"features": {"x": {"type": "categorical", "categories": [1.5, 2.5]}}},
    "categories 'abc'": {"features": {"x": {"type": "categorical", "categories": "abc"}}},
    "order 'abc'": {"features": {"x": {"type": "categorical", "order": "abc"}}},
    "order [[a]]": {"features": {"x": {"type": "categorical", "order": [["a"]]}}},
    "categorical missing median": {"features": {"x": {"type": "categorical", "missing": "median"}}},
    "output min 'a'": {"features": {"x": {}}, "output": {"min": "a"}},
    "output [0, 1]": {"features": {"x": {}}, "output": [0, 1]},
    "effect [1, 2, 3]": {"features": {"x": {}}, "priors": {"x": {"effect": [1, 2, 3]}}},
    "prob 'high'": {"features": {"x": {}}, "priors": {"x": {"effect": [1, 2], "prob": "high"}}},
    "noise scale -1": {"features": {"x": {}}, "priors": {"noise": {"scale": -1}}},
    "intercept sd 0": {"features": {"x": {}}, "priors": {"intercept": {"mean": 0, "sd": 0}}},
    "priors.x 5": {"features": {"x": {}}, "priors": {"x": 5}},
    "target 5": {"features": {"x": {}}, "target": 5},
    "target x, a feature": {"features": {"x": {}, "z": {}}, "target": "x"},
    "name 5": {"features": {"x": {}}, "name": 5},
    "task multiclass": {"features": {"x": {}}, "task": "multiclass"},
    "features.x 5": {"features": {"x": 5}},
    "direction up-ish": {"features": {"x": {"monotonic": 1}, "z": {}},
                         "interactions": [{"trust": "edgeworth", "feature": "x", "by": "z", "direction": "up-ish"}]},
    "trust and dominance": {"features": {"x": {"monotonic": 1}, "z": {"monotonic": 1}},
                            "interactions": [{"trust": "edgeworth", "dominance": "monotonic", "feature": "x", "by": "z"}]},
    "neither trust nor dominance": {"features": {"x": {"monotonic": 1}, "z": {}},
                                    "interactions": [{"feature": "x", "by": "z"}]},
    "type misspelt": {"features": {"x": {"type": "categorial"}}},
    "type a number": {"features": {"x": {"type": 5}}},
    "shape word": {"features": {"x": {"shape": "round"}}},
    "interactions not a list": {"features": {"x": {}}, "interactions": 5},
    "priors not a mapping": {"features": {"x": {}}, "priors": [1]},
    "empty feature name": {"features": {"": {}}},
    "interaction feature a number": {"features": {"z": {"monotonic": 1}},
                                     "interactions": [{"dominance": "monotonic", "feature": 5.5, "over": "z"}]},
}


@pytest.mark.parametrize("raw", FIX_CASES.values(), ids=FIX_CASES.keys())
def test_every_problem_says_how_to_fix_it(raw):
    with pytest.raises(SpecError) as info:
        Spec.from_dict(raw)
    for problem in info.value.problems:
        assert problem.fix.strip(), f"no fix for: {problem}"


def test_a_misspelt_type_gets_a_suggestion_and_the_feature_keeps_its_other_problems():
    with pytest.raises(SpecError) as info:
        Spec.from_dict({"features": {"x": {"type": "categorial", "monotnic": 1}, "y": {"monotonic": 2}}})
    by_where = {p.where: str(p) for p in info.value.problems}
    assert set(by_where) == {"features.x.type", "features.x.monotnic", "features.y.monotonic"}
    assert "Did you mean 'categorical'?" in by_where["features.x.type"]
    assert "Did you mean 'monotonic'?" in by_where["features.x.monotnic"]


def test_numpy_values_in_a_python_built_feature_are_accepted():
    assert CategoricalFeature("o", categories=sorted(pd.Series([3, 1, 2, 1]).unique())).categories == (1, 2, 3)
    assert NumericFeature("x", keypoints=np.int64(5)).keypoints == 5
    assert NumericFeature("x", monotonic=np.int64(-1)).monotonic == -1
    assert Trust("a", "b", direction=np.int64(-1)).direction == -1


def test_problems_of_y_and_of_x_are_reported_together(df, y, check_only):
    bad = df.astype({"weight": object})
    bad.loc["r1", "weight"] = "heavy"
    y = y.copy()
    y[4] = np.nan
    exc = _fit_error(LatticeRegressor(SPEC, **check_only), bad, y)
    assert [p.where for p in exc.problems] == ["y", "X['weight']"]


def test_an_empty_spec_file_says_what_to_write(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("")
    with pytest.raises(SpecError) as info:
        Spec.from_yaml(path)
    _check_message(info.value, str(path), "got an empty document", ("Write the spec in it", "features:"), 1)


@pytest.mark.parametrize("kwargs, key", [
    ({"features": NumericFeature("a")}, "features"),  # was: TypeError 'NumericFeature' object is not iterable
    ({"features": 3}, "features"),  # was: TypeError
    ({"features": [NumericFeature("a", monotonic=1), NumericFeature("b")],
      "interactions": Trust("a", "b", "edgeworth", "positive")}, "interactions"),  # was: TypeError
])
def test_a_single_feature_or_interaction_where_a_list_goes_is_a_spec_error(kwargs, key):
    with pytest.raises(SpecError, match=f"Put it in a list: {key}=") as info:
        Spec(**kwargs)
    assert [p.where for p in info.value.problems] == [f"spec.{key}"]


# ---------------------------------------------------------------------- long inputs give short messages
N_LONG = 100_000


@pytest.mark.parametrize("build", [
    lambda: CategoricalFeature("c", categories=np.arange(N_LONG, dtype=float)),
    lambda: CategoricalFeature("c", categories=list(range(N_LONG)) * 2),
    lambda: CategoricalFeature("c", categories=list(range(10)), order=[-i for i in range(1, 2000)]),
    lambda: CategoricalFeature("c", order=[1] * N_LONG),
    lambda: NumericFeature("a", keypoints=np.arange(N_LONG)[::-1]),
    lambda: NumericFeature("a", keypoints=np.r_[np.arange(N_LONG), np.nan]),
    lambda: NumericFeature("a", keypoints=np.arange(N_LONG), clip=[0, 10]),
    lambda: NumericFeature("a", clip=list(range(N_LONG))),
], ids=["float categories", "duplicate categories", "unlisted order", "repeated order", "unsorted keypoints",
        "nan keypoint", "keypoints outside clip", "long clip"])
def test_a_problem_with_a_long_list_gives_a_short_message(build):
    """Each of these printed every value (20 MB and 100,000 problems for the float categories)."""
    with pytest.raises(SpecError) as info:
        build()
    assert len(str(info.value)) < 2000 and len(info.value.problems) <= 6
    assert any("in all" in p.received or "more" in p.received or "characters" in p.received
               for p in info.value.problems)


@pytest.mark.parametrize("data", [["z"], ["z"] * N_LONG])
def test_a_long_declared_category_list_is_cut_in_data_messages(data):
    from priorml.spec.schema import Schema

    spec = Spec([CategoricalFeature("c", categories=[str(i) for i in range(N_LONG)])])
    with pytest.raises(DataError) as info:
        Schema.fit(spec, pd.DataFrame({"c": data}))
    assert len(str(info.value)) < 1000 and f"({N_LONG} in all)" in str(info.value)
    assert f"({len(data)} rows outside the list)" in str(info.value)


@pytest.mark.parametrize("column", [
    pd.date_range("2020", periods=4),
    pd.date_range("2020", periods=4, tz="UTC"),
    pd.to_timedelta(np.arange(4), unit="D"),
    pd.period_range("2020", periods=4, freq="D"),
], ids=["datetime", "datetime tz", "timedelta", "period"])
def test_dates_in_a_numeric_feature_get_advice_to_convert_them(column):
    """The hint was to declare the column categorical, which makes every date a category of its own."""
    from priorml.spec.schema import Schema

    with pytest.raises(DataError) as info:
        Schema.fit(Spec([NumericFeature("when")]), pd.DataFrame({"when": column}))
    p = info.value.problems[0]
    assert p.where == "X['when']" and "at row 0" in p.received
    duration = column.dtype.kind == "m"  # a duration has no year: its own advice, which works when followed
    assert ("Convert the durations to numbers" if duration else "Convert the dates or times to numbers") in p.fix
    assert "categorical" not in p.fix and (".dt.year" not in p.fix) == duration
    if duration:
        pd.Series(column).dt.total_seconds()  # the advice runs


@pytest.mark.parametrize("y", [pd.Series(pd.date_range("2020", periods=6)),
                               pd.Series(pd.date_range("2020", periods=6)).where(lambda s: s.index != 2),
                               pd.Series(pd.to_timedelta(np.arange(6), unit="h"))], ids=["dates", "with NaT", "durations"])
def test_a_date_or_duration_target_is_refused(y):
    """Was fitted as integer counts of microseconds, and NaT read as -9.2e18, a finite number."""
    from priorml.spec.schema import check_target

    with pytest.raises(DataError, match=r"y: expected numbers for a regression target; got (dates or times|durations) "
                                        r"\(dtype .*\)\. Convert the target to numbers first"):
        check_target(y, "regression", 6)


# ---------------------------------------------------------------------- found by the sixth session's audit
def test_an_order_naming_levels_the_data_lacks_warns():
    """Without declared categories an order's levels are matched to the data by text: a typo (or YAML's
    reading of no/yes as false/true) put the order on empty levels, left the real ones free, and the
    certificate passed it, without a word."""
    import warnings

    from priorml.spec.schema import Schema

    spec = Spec.from_dict({"features": {"g": {"type": "categorical", "order": ["low", "mid", "hihg"]}}})
    X = pd.DataFrame({"g": ["low", "mid", "high"] * 5})
    with pytest.warns(priorml.DataWarning, match=r"features\.g\.order names levels that no training row has \(1 of its 3 "
                                         r"levels: \['hihg'\]\).*Did you mean 'high'\?"):
        Schema.fit(spec, X)
    spec = Spec.from_dict({"features": {"g": {"type": "categorical", "order": ["Lo", "Hi"]}}})
    with pytest.warns(priorml.DataWarning, match=r"none of its levels"):
        Schema.fit(spec, pd.DataFrame({"g": ["lo", "hi"] * 3}))
    with warnings.catch_warnings():  # levels all present (a bool column matches 'True'/'False'): no warning
        warnings.simplefilter("error")
        Schema.fit(Spec.from_dict({"features": {"g": {"type": "categorical", "order": ["False", "True"]}}}),
                   pd.DataFrame({"g": [True, False] * 3}))


@pytest.mark.parametrize("order", [[False, True], ["low", 1.5]], ids=["yaml no/yes", "fraction"])
def test_order_levels_must_be_text_or_integers(order):
    with pytest.raises(SpecError, match=r"features\.g\.order: expected categories that are strings or integers"):
        Spec.from_dict({"features": {"g": {"type": "categorical", "order": order}}})
    with pytest.raises(SpecError, match="quote"):
        Spec.from_yaml("features: {g: {type: categorical, order: [no, yes]}}")


def test_priors_built_in_python_are_checked():
    """Two effect priors on one feature were accepted (the fit used the first, to_dict and a saved model the
    last); priors of the wrong type gave AttributeErrors, or were accepted and broke fit or save later."""
    from priorml.spec.priors import InterceptPrior, NoisePrior, Priors

    feats = (NumericFeature("a", monotonic=1),)
    cases = [(dict(effects=(EffectPrior("a", (1, 2)), EffectPrior("a", (50, 60)))), r"priors\.a: expected one effect "
                                                                                     r"prior per feature; got 2 priors"),
             (dict(effects=[("a", (1, 2))]), r"priors\.effects: expected EffectPrior objects"),
             (dict(effects={"a": (1, 2)}), r"priors\.effects: expected a list of EffectPrior"),
             (dict(noise=3.0), r"priors\.noise: expected a NoisePrior or None; got 3\.0\. Write noise=NoisePrior"),
             (dict(intercept=(0, 1)), r"priors\.intercept: expected an InterceptPrior or None")]
    for kw, match in cases:
        with pytest.raises(SpecError, match=match):
            Spec(features=feats, priors=Priors(**kw))
    ok = Spec(features=feats, priors=Priors(effects=[EffectPrior("a", (1, 2))], noise=NoisePrior(3.0),
                                            intercept=InterceptPrior(0.0, 1.0)))
    assert Spec.from_dict(ok.to_dict()) == ok


@pytest.mark.parametrize("raw", [
    {"features": {"a": {"missing": 10 ** 400}}},
    {"features": {"a": {"clip": [0, 10 ** 400]}}},
    {"features": {"a": {"keypoints": [0, 1, 10 ** 400]}}},
    {"output": {"max": 10 ** 400}, "features": {"a": {}}},
    {"features": {"a": {"monotonic": 1}}, "priors": {"a": {"effect": [1, 10 ** 400]}}},
], ids=["missing", "clip", "keypoints", "output", "prior"])
def test_integers_beyond_floats_are_spec_errors(raw):
    """float(10**400) raised a raw OverflowError and stopped the all-problems-at-once report."""
    with pytest.raises(SpecError):
        Spec.from_dict(raw)


@pytest.mark.parametrize("key, number", [("010", "8"), ("0.10", "0.1"), ("1_000", "1000"), ("0x1F", "31")])
def test_yaml_keys_read_as_numbers_of_another_text_are_refused(key, number):
    """YAML read the key 010 as the octal 8, so the feature named column '8'; it is refused, asking to quote it."""
    with pytest.raises(SpecError, match=rf"the key {key} is read by YAML as the number .*'{number}'.*quote it"):
        Spec.from_yaml(f"features: {{{key}: {{monotonic: 1}}, b: {{}}}}")
    assert Spec.from_yaml(f"features: {{'{key}': {{monotonic: 1}}, b: {{}}}}").feature_names[0] == key
    assert Spec.from_yaml("features: {2024: {}, b: {}}").feature_names[0] == "2024"  # same text: fine


def test_without_a_spec_the_advice_says_to_pass_one():
    """With spec=None the advice was to set 'missing' or 'type: categorical' on a feature of a spec that the
    user never wrote."""
    X = pd.DataFrame({"a": [1.0, 2.0, np.nan, 4.0], "c": ["u", "v", "u", "v"]})
    with pytest.raises(DataError) as info:
        LatticeRegressor(None, epochs=1).fit(X, [1.0, 2.0, 3.0, 4.0])
    fixes = [p.fix for p in info.value.problems]
    assert all("This estimator has no spec" in f and "spec={'features': {" in f for f in fixes), fixes
    with pytest.raises(DataError) as info:
        LatticeRegressor({"features": {"a": {}, "c": {}}}, epochs=1).fit(X, [1.0, 2.0, 3.0, 4.0])
    assert not any("no spec" in p.fix for p in info.value.problems)


def test_keypoints_that_32_bit_floats_merge_are_refused_by_the_lattice_backend():
    """Unix times over ten minutes: distinct keypoints in float64, equal in float32, so TensorFlow Lattice refused
    them and the message blamed 'model'. The Bayesian backend, in float64, fits them."""
    rng = np.random.default_rng(11)
    X = pd.DataFrame({"t": 1.7e9 + rng.uniform(0, 600, 60), "b": rng.uniform(0, 1, 60)})
    y = (X["t"] - 1.7e9) / 600 + X["b"]
    with pytest.raises(SpecError, match=r"features\.t\.keypoints: expected keypoints that stay distinct in 32-bit "
                                        r"floats.*Subtract an offset from column 't'") as info:
        LatticeRegressor({"features": {"t": {"monotonic": 1}, "b": {}}}, epochs=1).fit(X, y)
    assert [p.where for p in info.value.problems] == ["features.t.keypoints"]
    LatticeRegressor({"features": {"t": {"monotonic": 1}, "b": {}}}, epochs=1).fit(X.assign(t=X["t"] - 1.7e9), y)


def test_an_order_level_only_absent_from_some_rows_does_not_warn():
    """A CV fold or a drift batch without one of the order's levels (all its levels named in the order) is no
    naming mistake: no warning then."""
    import warnings

    from priorml.spec.schema import Schema

    spec = Spec.from_dict({"features": {"g": {"type": "categorical", "order": ["lo", "mid", "hi"]}}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Schema.fit(spec, pd.DataFrame({"g": ["lo", "hi"] * 4}))


def test_x_and_y_with_different_row_indexes_warn():
    """X reordered (or filtered) but not y was paired by position without a word: the wrong target for each row."""
    import warnings

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(size=30)})
    y = pd.Series(2 * X["a"] + rng.normal(0, 0.1, 30))
    spec = {"features": {"a": {"monotonic": 1}}}
    shuffled = X.sample(frac=1, random_state=0)
    with pytest.warns(priorml.DataWarning, match=r"X and y have different row indexes.*y\.loc\[X\.index\]"):
        LatticeRegressor(spec, model="linear", epochs=1).fit(shuffled, y)
    with pytest.warns(priorml.DataWarning, match="different row indexes"):
        priorml.check_assumptions(spec, shuffled, y, n_bootstrap=100)
    with warnings.catch_warnings():  # aligned, or y without an index: nothing to say
        warnings.simplefilter("error", priorml.DataWarning)
        LatticeRegressor(spec, model="linear", epochs=1).fit(shuffled, y.loc[shuffled.index])
        LatticeRegressor(spec, model="linear", epochs=1).fit(shuffled, y.to_numpy())


def test_a_target_given_as_a_list_is_not_mistaken_for_pandas():
    """A list has an .index method: the alignment check took it for a pandas index and raised TypeError."""
    X = pd.DataFrame({"a": [0.1, 0.5, 0.9, 0.3]})
    LatticeRegressor({"features": {"a": {"monotonic": 1}}}, model="linear", epochs=1).fit(X, [1.0, 2.0, 3.0, 1.5])
