"""The Spec: construction from every source, exact round trips, immutability, canonical values."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys

import pytest
import yaml

from priorml import (CategoricalFeature, Dominance, EffectPrior, NoisePrior, NumericFeature, Output,
                     Priors, Spec, SpecError, Trust)

GRAMMAR_YAML = """\
task: regression
target: mpg
output: {min: 0, max: 60}
features:
  weight:       {monotonic: decreasing, shape: convex}
  horsepower:   {monotonic: decreasing}
  year:         {monotonic: increasing, keypoints: 8}
  acceleration: {}
  age:          {unimodal: peak}
  origin:       {type: categorical, categories: [1, 2, 3]}
  grade:        {type: categorical, order: [low, mid, high]}
  thal:         {type: categorical, order: [[normal, fixed], [normal, reversible]]}
interactions:
  - {trust: edgeworth, feature: horsepower, by: weight, direction: positive}
  - {dominance: monotonic, feature: weight, over: horsepower}
priors:
  weight: {effect: [-20, -5], prob: 0.9}
  noise: {scale: 3.0}
"""


def grammar_objects() -> Spec:
    """The grammar example written with Python objects."""
    return Spec(
        features=(
            NumericFeature("weight", monotonic="decreasing", shape="convex"),
            NumericFeature("horsepower", monotonic="decreasing"),
            NumericFeature("year", monotonic="increasing", keypoints=8),
            NumericFeature("acceleration"),
            NumericFeature("age", unimodal="peak"),
            CategoricalFeature("origin", categories=[1, 2, 3]),
            CategoricalFeature("grade", order=["low", "mid", "high"]),
            CategoricalFeature("thal", order=[["normal", "fixed"], ["normal", "reversible"]]),
        ),
        task="regression",
        target="mpg",
        output=Output(0, 60),
        interactions=(Trust("horsepower", "weight", "edgeworth", "positive"), Dominance("weight", "horsepower")),
        priors=Priors((EffectPrior("weight", (-20, -5), 0.9),), NoisePrior(3.0)),
    )


# A few more specs that exercise every key of the grammar, for the round trips.
OTHER_SPECS = {
    "minimal": {"features": {"x": {}}},
    "classification": {"task": "classification", "features": {"a": {"monotonic": 1}, "b": {"monotonic": -1}},
                       "interactions": [{"trust": "trapezoid", "feature": "a", "by": "b", "direction": "negative"}]},
    "every numeric key": {
        "name": "demo", "description": "all numeric keys",
        "features": {"x": {"monotonic": "increasing", "shape": "concave", "keypoints": [0, 1.5, 4], "missing": "median",
                           "clip": [0, 4]},
                     "v": {"unimodal": "valley", "shape": "convex", "missing": 2.5},
                     "u": {"keypoints": 3, "missing": "max"}},
        "output": {"min": -1.5},
        "priors": {"x": {"effect": [0, 3], "prob": 0.8}, "intercept": {"mean": 1.0, "sd": 2.0}},
    },
    "categorical keys": {
        "features": {"g": {"type": "categorical", "categories": ["a", "b", "c"], "order": [["a", "b"], ["a", "c"]],
                           "missing": "category"},
                     "h": {"type": "categorical", "missing": "mode"},
                     "m": {"monotonic": "decreasing"}, "n": {"monotonic": "decreasing"}},
        "output": {"max": 10},
        "interactions": [{"dominance": "range", "feature": "m", "over": "n"}],
    },
}


@pytest.fixture
def grammar() -> Spec:
    return Spec.from_yaml(GRAMMAR_YAML)


# ---------------------------------------------------------------------- the grammar example
def test_grammar_example_parses_to_the_declared_constraints(grammar):
    s = grammar
    assert s.task == "regression" and s.target == "mpg"
    assert (s.output.min, s.output.max) == (0.0, 60.0)
    assert s.feature_names == ("weight", "horsepower", "year", "acceleration", "age", "origin", "grade", "thal")
    assert (s["weight"].monotonic, s["weight"].shape) == (-1, "convex")
    assert s["horsepower"].monotonic == -1
    assert (s["year"].monotonic, s["year"].keypoints) == (1, 8)
    assert not s["acceleration"].is_constrained
    assert (s["age"].unimodal, s["age"].monotonic) == ("peak", 0)
    assert isinstance(s["origin"], CategoricalFeature) and s["origin"].categories == (1, 2, 3)
    assert s["grade"].order_pairs == (("low", "mid"), ("mid", "high"))
    assert s["thal"].order_pairs == (("normal", "fixed"), ("normal", "reversible"))
    assert s.trusts == (Trust("horsepower", "weight", "edgeworth", 1),)
    assert s.dominances == (Dominance("weight", "horsepower", "monotonic"),)
    assert s.priors.effect("weight") == EffectPrior("weight", (-20.0, -5.0), 0.9)
    assert s.priors.noise == NoisePrior(3.0)
    assert s.priors.intercept is None


def test_grammar_example_from_python_objects_equals_yaml(grammar):
    assert grammar_objects() == grammar


# ---------------------------------------------------------------------- every source
def test_from_dict_yaml_text_yaml_file_json_text_json_file_agree(grammar, tmp_path):
    raw = yaml.safe_load(GRAMMAR_YAML)
    (tmp_path / "spec.yaml").write_text(GRAMMAR_YAML)
    (tmp_path / "spec.json").write_text(json.dumps(raw))
    sources = {
        "dict": Spec.from_dict(raw),
        "yaml file (str)": Spec.from_yaml(str(tmp_path / "spec.yaml")),
        "yaml file (Path)": Spec.from_yaml(tmp_path / "spec.yaml"),
        "json text": Spec.from_json(json.dumps(raw, indent=1)),
        "json one-line text": Spec.from_json(json.dumps(raw)),
        "json file": Spec.from_json(tmp_path / "spec.json"),
    }
    for where, spec in sources.items():
        assert spec == grammar, where


def test_one_line_yaml_mapping_is_text_not_a_path():
    assert Spec.from_yaml("{features: {x: {monotonic: up}}}") == Spec((NumericFeature("x", monotonic=1),))


def test_one_line_yaml_key_value_text_is_text_not_a_path():
    assert Spec.from_yaml("features: {x: {monotonic: up}}") == Spec((NumericFeature("x", monotonic=1),))


def test_a_path_that_does_not_exist_says_when_text_is_read_as_yaml(tmp_path):
    with pytest.raises(SpecError, match=r"does not exist\. .*read as YAML text instead when .*'key: value'"):
        Spec.from_yaml(tmp_path / "nope.yaml")


def test_from_dict_of_a_spec_returns_it(grammar):
    assert Spec.from_dict(grammar) is grammar


# ---------------------------------------------------------------------- round trips
ALL_RAW = {"grammar": yaml.safe_load(GRAMMAR_YAML), **OTHER_SPECS}


@pytest.mark.parametrize("raw", ALL_RAW.values(), ids=ALL_RAW.keys())
def test_dict_round_trip_is_exact(raw):
    s = Spec.from_dict(raw)
    d = s.to_dict()
    assert Spec.from_dict(d) == s
    assert Spec.from_dict(d).to_dict() == d  # the dict form is a fixed point too


@pytest.mark.parametrize("raw", ALL_RAW.values(), ids=ALL_RAW.keys())
def test_yaml_and_json_round_trips_are_exact(raw, tmp_path):
    s = Spec.from_dict(raw)
    assert Spec.from_yaml(s.to_yaml()) == s
    assert Spec.from_json(s.to_json()) == s
    s.to_yaml(tmp_path / "s.yaml")
    s.to_json(tmp_path / "s.json")
    assert Spec.from_yaml(tmp_path / "s.yaml") == s
    assert Spec.from_json(tmp_path / "s.json") == s


def test_to_dict_is_plain_data_in_the_grammar(grammar):
    d = grammar.to_dict()
    # Plain data: safe for yaml.safe_dump and json, canonical names rather than numbers.
    assert yaml.safe_load(yaml.safe_dump(d)) == json.loads(json.dumps(d))
    assert d["features"]["weight"] == {"monotonic": "decreasing", "shape": "convex"}
    assert d["features"]["acceleration"] == {}
    assert d["features"]["grade"] == {"type": "categorical", "order": ["low", "mid", "high"]}
    assert d["interactions"][0]["direction"] == "positive"
    assert d["priors"] == {"weight": {"effect": [-20.0, -5.0], "prob": 0.9}, "noise": {"scale": 3.0}}


def test_defaults_are_left_out_of_to_dict():
    assert Spec.from_dict({"features": {"x": {"monotonic": "none", "keypoints": 10, "missing": "error"}}}).to_dict() \
        == {"task": "regression", "features": {"x": {}}}


# ---------------------------------------------------------------------- immutability
@pytest.mark.parametrize("target, attr, value", [
    ("spec", "task", "classification"),
    ("spec", "features", ()),
    ("feature", "monotonic", 1),
    ("categorical", "order", ()),
    ("trust", "direction", -1),
    ("prior", "prob", 0.5),
    ("output", "max", 100.0),
])
def test_frozen(grammar, target, attr, value):
    obj = {"spec": grammar, "feature": grammar["weight"], "categorical": grammar["grade"],
           "trust": grammar.trusts[0], "prior": grammar.priors.effects[0], "output": grammar.output}[target]
    before = getattr(obj, attr)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, attr, value)
    assert getattr(obj, attr) == before


def test_containers_are_tuples_and_specs_are_hashable(grammar):
    assert isinstance(grammar.features, tuple) and isinstance(grammar.interactions, tuple)
    assert isinstance(grammar["origin"].categories, tuple)
    assert all(isinstance(chain, tuple) for chain in grammar["thal"].order)
    assert hash(grammar) == hash(Spec.from_yaml(GRAMMAR_YAML))
    assert len({grammar, Spec.from_yaml(GRAMMAR_YAML)}) == 1


def test_replace_returns_a_new_validated_spec(grammar):
    clf = grammar.replace(output=None, priors=Priors(), task="classification")
    assert clf.task == "classification" and grammar.task == "regression"
    with pytest.raises(SpecError, match=r"spec\.output"):
        grammar.replace(task="classification")  # output bounds make no sense for classification
    feat = grammar["year"].replace(keypoints=4)
    assert feat.keypoints == 4 and grammar["year"].keypoints == 8


def test_spec_from_python_objects_is_cross_checked():
    with pytest.raises(SpecError, match=r"interactions\[trust a by b\]\.by: expected a declared feature; got 'b'"):
        Spec((NumericFeature("a", monotonic=1),), interactions=(Trust("a", "b"),))


def test_lists_given_to_constructors_do_not_alias_the_spec():
    cats = ["x", "y"]
    feat = CategoricalFeature("g", categories=cats)
    cats.append("z")
    assert feat.categories == ("x", "y")


# ---------------------------------------------------------------------- canonical values
INCREASING = ["increasing", "Increasing", " inc ", "up", "+1", "1", 1, 1.0, "positive"]
DECREASING = ["decreasing", "dec", "down", "-1", -1, -1.0, "negative"]
NONE = [None, "none", "None", 0, "0"]


@pytest.mark.parametrize("value, canonical", [(v, 1) for v in INCREASING] + [(v, -1) for v in DECREASING]
                         + [(v, 0) for v in NONE])
def test_monotonic_spellings_are_canonicalised(value, canonical):
    assert NumericFeature("x", monotonic=value).monotonic == canonical
    from_dict = Spec.from_dict({"features": {"x": {"monotonic": value}}})
    assert from_dict["x"].monotonic == canonical
    assert from_dict == Spec((NumericFeature("x", monotonic=canonical),))


def test_monotonic_spellings_give_equal_specs():
    specs = {Spec.from_dict({"features": {"x": {"monotonic": v}}}) for v in INCREASING}
    assert len(specs) == 1
    assert specs.pop().to_dict()["features"]["x"] == {"monotonic": "increasing"}


@pytest.mark.parametrize("value, canonical", [("positive", 1), (1, 1), ("+1", 1), ("increasing", 1),
                                              ("negative", -1), (-1, -1), ("Negative", -1)])
def test_trust_direction_spellings(value, canonical):
    assert Trust("a", "b", direction=value).direction == canonical
    spec = Spec.from_dict({"features": {"a": {"monotonic": 1}, "b": {}},
                           "interactions": [{"trust": "edgeworth", "feature": "a", "by": "b", "direction": value}]})
    assert spec.trusts[0].direction == canonical


def test_trust_direction_defaults_to_positive():
    spec = Spec.from_dict({"features": {"a": {"monotonic": 1}, "b": {}},
                           "interactions": [{"trust": "trapezoid", "feature": "a", "by": "b"}]})
    assert spec.trusts[0] == Trust("a", "b", "trapezoid", 1)


@pytest.mark.parametrize("key, given, canonical", [
    ("shape", "Convex", "convex"), ("shape", " concave", "concave"), ("shape", "none", None),
    ("unimodal", "PEAK", "peak"), ("missing", "Median", "median"), ("missing", 3, 3.0), ("keypoints", 5.0, 5),
    ("keypoints", [0, 1, 2], (0.0, 1.0, 2.0)), ("clip", [0, 1], (0.0, 1.0)),
])
def test_other_numeric_keys_are_canonicalised(key, given, canonical):
    assert getattr(NumericFeature("x", **{key: given}), key) == canonical


def test_feature_type_is_case_insensitive():
    spec = Spec.from_dict({"features": {"g": {"type": "Categorical"}, "x": {"type": " NUMERIC"}}})
    assert [f.kind for f in spec.features] == ["categorical", "numeric"]
    assert spec.to_dict()["features"] == {"g": {"type": "categorical"}, "x": {}}


# ---------------------------------------------------------------------- numpy values (from pandas or numpy)
def test_numpy_values_are_accepted_and_written_as_plain_values(tmp_path):
    import numpy as np

    labels = np.unique(np.array(["q", "p", "p"]).astype(str))  # np.str_ values
    raw = {
        "task": np.str_("regression"),
        "target": np.str_("y"),
        "output": {"min": np.int64(0), "max": np.float32(10)},
        "features": {
            np.str_("c"): {"type": "categorical", "categories": list(labels), "order": [labels[0], labels[1]]},
            "o": {"type": "categorical", "categories": sorted(np.array([3, 1, 2]))},
            "k": {"keypoints": np.int64(5), "monotonic": np.int64(-1), "clip": np.array([0.0, 1.0])},
            "e": {"keypoints": list(np.linspace(0.0, 1.0, 3)), "monotonic": np.float64(1), "missing": np.float64(0.5)},
        },
        "interactions": [{"trust": np.str_("edgeworth"), "feature": np.str_("e"), "by": "k", "direction": np.int64(-1)}],
        "priors": {"e": {"effect": np.array([1.0, 2.0]), "prob": np.float64(0.8)}},
    }
    spec = Spec.from_dict(raw)
    plain = spec.to_dict()
    assert plain == {
        "task": "regression", "target": "y", "output": {"min": 0.0, "max": 10.0},
        "features": {"c": {"type": "categorical", "categories": ["p", "q"], "order": ["p", "q"]},
                     "o": {"type": "categorical", "categories": [1, 2, 3]},
                     "k": {"monotonic": "decreasing", "keypoints": 5, "clip": [0.0, 1.0]},
                     "e": {"monotonic": "increasing", "keypoints": [0.0, 0.5, 1.0], "missing": 0.5}},
        "interactions": [{"trust": "edgeworth", "feature": "e", "by": "k", "direction": "negative"}],
        "priors": {"e": {"effect": [1.0, 2.0], "prob": 0.8}},
    }

    def types(value):
        if isinstance(value, dict):
            return set().union(*(types(k) | types(v) for k, v in value.items())) if value else set()
        if isinstance(value, list):
            return set().union(*(types(v) for v in value)) if value else set()
        return {type(value)}

    assert types(plain) <= {str, int, float}  # no numpy scalar left
    assert Spec.from_yaml(spec.to_yaml()) == spec
    assert Spec.from_json(spec.to_json()) == spec


def test_task_and_kinds_are_case_insensitive():
    spec = Spec.from_dict({"task": "Classification", "features": {"a": {"monotonic": 1}, "b": {"monotonic": 1}},
                           "interactions": [{"dominance": "Range", "feature": "a", "over": "b"}]})
    assert spec.task == "classification" and spec.dominances[0].kind == "range"


# ---------------------------------------------------------------------- categorical order
def test_order_chain_and_pairs_give_the_same_pairs():
    chain = CategoricalFeature("g", order=["low", "mid", "high"])
    pairs = CategoricalFeature("g", order=[["low", "mid"], ["mid", "high"]])
    assert chain.order == (("low", "mid", "high"),)
    assert pairs.order == (("low", "mid"), ("mid", "high"))
    assert chain.order_pairs == pairs.order_pairs == (("low", "mid"), ("mid", "high"))


def test_order_pairs_drop_duplicates_and_keep_spec_order():
    f = CategoricalFeature("g", order=[["b", "c"], ["a", "b", "c"], ["a", "b"]])
    assert f.order_pairs == (("b", "c"), ("a", "b"))


def test_order_partial_order_branches():
    f = CategoricalFeature("thal", order=[["normal", "fixed"], ["normal", "reversible"]])
    assert f.order_pairs == (("normal", "fixed"), ("normal", "reversible"))
    assert f.is_constrained and not CategoricalFeature("g").is_constrained


def test_order_matches_categories_by_text():
    # YAML reads 1 as an int, CSV as '1': both name the same category.
    f = CategoricalFeature("origin", categories=[1, 2, 3], order=["1", "3"])
    assert f.order_pairs == (("1", "3"),)


# ---------------------------------------------------------------------- access helpers
def test_getitem_contains_and_unconstrained(grammar):
    assert "weight" in grammar and "mpg" not in grammar
    with pytest.raises(KeyError, match=r"Did you mean 'weight'\?"):
        grammar["wieght"]
    u = Spec.unconstrained(["a", "b"], task="classification")
    assert u.feature_names == ("a", "b") and u.task == "classification"
    assert not any(f.is_constrained for f in u.features)


def test_from_dict_does_not_change_its_input():
    raw = yaml.safe_load(GRAMMAR_YAML)
    before = copy.deepcopy(raw)
    Spec.from_dict(raw)
    assert raw == before


# ---------------------------------------------------------------------- lightness
def test_importing_spec_imports_no_modelling_framework():
    code = (
        "import sys, priorml.spec, priorml.spec.schema, priorml\n"
        "heavy = {'tensorflow', 'tf_keras', 'tensorflow_lattice', 'pymc', 'pytensor', 'arviz', 'sklearn'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


# ---------------------------------------------------------------------- Python-built specs and files
@pytest.mark.parametrize("change, where", [
    ({"target": 123}, "spec.target"),
    ({"name": 5}, "spec.name"),
    ({"description": ["a", "b"]}, "spec.description"),
    ({"priors": "weight"}, "priors"),
])
def test_replace_and_constructor_check_the_scalar_fields(grammar, change, where):
    """These were accepted (a spec that did not round-trip, or could not be hashed) or raised AttributeError."""
    with pytest.raises(SpecError) as info:
        grammar.replace(**change)
    assert [p.where for p in info.value.problems] == [where]
    with pytest.raises(SpecError):
        Spec(grammar.features, **change)


def test_task_given_in_python_is_as_case_insensitive_as_in_a_dict(grammar):
    spec = grammar.replace(task="Classification", output=None, priors=None)
    assert spec.task == "classification"
    assert spec == Spec.from_dict({**spec.to_dict(), "task": "CLASSIFICATION"})


def test_yaml_merge_keys_and_aliases_are_read():
    text = ("features:\n"
            "  a: &mono {monotonic: increasing, keypoints: 5}\n"
            "  b: *mono\n"
            "  c: {<<: *mono, shape: convex}\n"
            "  d: {<<: *mono, monotonic: decreasing}\n")  # a merged key overridden is not a key given twice
    spec = Spec.from_yaml(text)
    assert spec["b"] == NumericFeature("b", monotonic=1, keypoints=5)
    assert spec["c"] == NumericFeature("c", monotonic=1, keypoints=5, shape="convex")
    assert spec["d"].monotonic == -1
    with pytest.raises(SpecError, match="given twice"):
        Spec.from_yaml("features:\n  a: {<<: {keypoints: 5}, monotonic: 1, monotonic: -1}\n")


def test_spec_files_with_a_byte_order_mark_or_windows_line_ends_are_read(grammar, tmp_path):
    for suffix, text in (("yaml", grammar.to_yaml()), ("json", grammar.to_json())):
        path = tmp_path / f"spec.{suffix}"
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
        read = Spec.from_yaml if suffix == "yaml" else Spec.from_json
        assert read(path) == grammar
        assert read("\ufeff" + text) == grammar


def test_yaml_key_that_is_a_list_is_a_spec_error():
    with pytest.raises(SpecError, match="unhashable key"):  # was a raw TypeError
        Spec.from_yaml("features: {[a, b]: {}}")


@pytest.mark.parametrize("text, where", [("features: {yes: {}, b: {}}", "features.True"),
                                         ("features: {null: {}}", "features.None")])
def test_yaml_boolean_or_null_feature_name_is_refused_with_a_hint(text, where):
    """Unquoted, YAML reads these as True and None: the spec named the features 'True' and 'None' silently."""
    with pytest.raises(SpecError) as info:
        Spec.from_yaml(text)
    assert [p.where for p in info.value.problems] == [where]
    assert "Quote the column's name" in info.value.problems[0].fix
