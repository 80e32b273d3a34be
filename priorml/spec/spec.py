"""The spec: everything a statistician knows about a tabular problem.

A :class:`Spec` is immutable and backend-free. It is built from Python
objects, a dict, YAML or JSON, and round-trips exactly through
:meth:`Spec.to_dict`. Building one validates it and reports every problem at
once in a :class:`~priorml.errors.SpecError`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping

from ..errors import Problem, SpecError, did_you_mean
from . import _canon
from ._check import Checker
from .constraints import Dominance, Interaction, Output, Trust, interaction_from_dict
from .features import CategoricalFeature, Feature, NumericFeature, _find_cycle, feature_from_dict
from .priors import RESERVED_PRIOR_KEYS, Priors

__all__ = ["Spec"]

TOP_KEYS = ("task", "target", "output", "features", "interactions", "priors", "name", "description")
TASKS = ("regression", "classification")


@dataclass(frozen=True)
class Spec:
    """A constraint spec for a tabular regression or binary classification problem.

    Parameters
    ----------
    features : sequence of NumericFeature or CategoricalFeature
        The inputs, in the order numpy arrays are read.
    task : {'regression', 'classification'}
        ``classification`` is binary.
    target : str or None
        Name of the target column (used by the command line); not one of the features.
    output : Output or None
        Bounds on the prediction.
    interactions : sequence of Trust or Dominance
        Pairwise constraints.
    priors : Priors
        Priors for the Bayesian backend.
    name, description : str or None
        Free text, kept in saved models and reports.

    Examples
    --------
    >>> spec = Spec.from_dict({"features": {"weight": {"monotonic": "decreasing"}, "year": {}}})
    >>> spec.feature_names
    ('weight', 'year')
    >>> Spec.from_dict(spec.to_dict()) == spec
    True

    Raises
    ------
    SpecError
        Listing every problem found, each with where, expected, received and a fix.
    """

    features: tuple[Feature, ...]
    task: Literal["regression", "classification"] = "regression"
    target: str | None = None
    output: Output | None = None
    interactions: tuple[Interaction, ...] = ()
    priors: Priors = field(default_factory=Priors)
    name: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        for key in ("task", "target", "name", "description"):  # NumPy strings as Python ones
            object.__setattr__(self, key, _canon.plain(getattr(self, key)))
        if isinstance(self.task, str) and self.task.strip().lower() in TASKS:  # as case-insensitive as from_dict
            object.__setattr__(self, "task", self.task.strip().lower())
        for key, one in (("features", (NumericFeature, CategoricalFeature, Mapping, str)),
                         ("interactions", (Trust, Dominance, Mapping, str))):
            value = getattr(self, key)
            if isinstance(value, one) or not isinstance(value, Iterable):
                raise SpecError([Problem(f"spec.{key}", f"a list of {key}", f"{type(value).__name__} {value!r}",
                                         f"Put it in a list: {key}=[...]; or use Spec.from_dict for the mapping form.")])
            object.__setattr__(self, key, tuple(value))
        _check_parts(self)
        if isinstance(self.output, Mapping):
            object.__setattr__(self, "output", Output(self.output.get("min"), self.output.get("max")))
        if self.output is not None and not self.output.bounded:
            object.__setattr__(self, "output", None)
        if self.priors is None or isinstance(self.priors, Mapping):
            object.__setattr__(self, "priors", Priors.from_dict(self.priors))
        problems = _cross_check(self, {f.name for f in self.features if isinstance(f, (NumericFeature, CategoricalFeature))})
        if problems:
            raise SpecError(problems)

    # ------------------------------------------------------------------ access
    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    def __getitem__(self, name: str) -> Feature:
        for f in self.features:
            if f.name == name:
                return f
        raise KeyError(f"no feature {name!r} in the spec; features are {list(self.feature_names)}.{did_you_mean(name, self.feature_names)}")

    def __contains__(self, name: object) -> bool:
        return name in self.feature_names

    @property
    def trusts(self) -> tuple[Trust, ...]:
        return tuple(i for i in self.interactions if isinstance(i, Trust))

    @property
    def dominances(self) -> tuple[Dominance, ...]:
        return tuple(i for i in self.interactions if isinstance(i, Dominance))

    def replace(self, **changes: Any) -> "Spec":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    @classmethod
    def unconstrained(cls, names: Iterable[str], task: str = "regression") -> "Spec":
        """A spec in which every column is an unconstrained numeric feature."""
        return cls(tuple(NumericFeature(str(n)) for n in names), task=task)

    # ------------------------------------------------------------------ dict / yaml / json
    def to_dict(self) -> dict[str, Any]:
        """Plain data (dicts, lists, strings, numbers) in the YAML grammar."""
        out: dict[str, Any] = {}
        if self.name is not None:
            out["name"] = self.name
        if self.description is not None:
            out["description"] = self.description
        out["task"] = self.task
        if self.target is not None:
            out["target"] = self.target
        if self.output is not None:
            out["output"] = self.output.to_dict()
        out["features"] = {f.name: f.to_dict() for f in self.features}
        if self.interactions:
            out["interactions"] = [i.to_dict() for i in self.interactions]
        if self.priors:
            out["priors"] = self.priors.to_dict()
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> "Spec":
        """Build a spec from the YAML grammar; every problem is reported at once."""
        chk = Checker("spec")
        if isinstance(raw, Spec):
            return raw
        if not isinstance(raw, Mapping):
            chk.add(None, "a mapping with at least a 'features' key", type(raw).__name__,
                    "Give a dict such as {'features': {'x': {'monotonic': 'increasing'}}}, or read a file with "
                    "Spec.from_yaml / Spec.from_json.", raw=True)
            raise SpecError(chk.problems)
        raw = _canon.plain_data(raw)  # NumPy scalars and arrays (from pandas or numpy) as plain Python values
        chk.unknown_keys(raw, TOP_KEYS, "a spec")
        task = chk.canon("task", raw.get("task", "regression"),
                         lambda v: _canon.choice(v, TASKS, allow_none=False), default="regression",
                         fix="Write task: regression or task: classification (binary); for more than two classes, "
                             "model one class against the rest.")
        target = raw.get("target")
        if target is not None and not isinstance(target, str):
            chk.add("target", "a column name (string)", target,
                    "Write the target column's name as text (quote it if it looks like a number, e.g. '2024').")
            target = None
        for key in ("name", "description"):
            if raw.get(key) is not None and not isinstance(raw.get(key), str):
                chk.add(key, "a string", raw.get(key), f"Write the {key} as text (quote it if it looks like a "
                                                       "number or a date).")

        feats_raw = raw.get("features")
        features: list[Feature] = []
        declared: set[str] = set()
        if not isinstance(feats_raw, Mapping) or not feats_raw:
            chk.add("features", "a non-empty mapping {feature: {constraints}}", feats_raw,
                    "Declare at least one feature, e.g. features: {x: {}}.")
        else:
            for name, body in feats_raw.items():
                if name is None or isinstance(name, bool):  # YAML's null: / yes: keys, which would name 'None', 'True'
                    chk.problems.append(Problem(
                        f"features.{name}", "a feature name (text)", repr(name),
                        "Quote the column's name, e.g. 'yes': {...} or 'null': {...}; unquoted, YAML reads null and "
                        "~ as nothing and yes/no/on/off/true/false as booleans.", None, None))
                    continue
                declared.add(str(name))
                try:
                    features.append(feature_from_dict(str(name), body))
                except SpecError as exc:
                    chk.problems.extend(exc.problems)

        output = None
        if raw.get("output") is not None:
            o = raw["output"]
            if not isinstance(o, Mapping):
                chk.add("output", "a mapping {min: ..., max: ...}", o,
                        "Write output: {min: 0, max: 100}; either key may be left out for a one-sided bound.")
            else:
                sub = Checker("output")
                sub.unknown_keys(o, ("min", "max"), "output")
                chk.problems.extend(sub.problems)
                try:
                    output = Output(o.get("min"), o.get("max"))
                except SpecError as exc:
                    chk.problems.extend(exc.problems)

        interactions: list[Interaction] = []
        inter_raw = raw.get("interactions") or []
        if not isinstance(inter_raw, (list, tuple)):
            chk.add("interactions", "a list of trust/dominance mappings", inter_raw,
                    "Write interactions as a list with one entry per constraint, e.g. "
                    "[{trust: edgeworth, feature: a, by: b, direction: positive}].")
        else:
            for i, item in enumerate(inter_raw):
                try:
                    interactions.append(interaction_from_dict(i, item))
                except SpecError as exc:
                    chk.problems.extend(exc.problems)

        priors = Priors()
        try:
            priors = Priors.from_dict(raw.get("priors"))
        except SpecError as exc:
            chk.problems.extend(exc.problems)

        if chk.problems:
            # Report cross-feature problems too, skipping features that failed to parse.
            partial = _Partial(tuple(features), task, output, tuple(interactions), priors, target)
            chk.problems.extend(_cross_check(partial, declared))
            raise SpecError(chk.problems)
        return cls(tuple(features), task, target, output, tuple(interactions), priors,
                   raw.get("name"), raw.get("description"))

    def to_yaml(self, path: str | Path | None = None) -> str:
        """YAML text (written to ``path`` when given)."""
        import yaml

        text = yaml.safe_dump(self.to_dict(), sort_keys=False, default_flow_style=None)
        if path is not None:
            Path(path).write_text(text)
        return text

    @classmethod
    def from_yaml(cls, source: str | Path) -> "Spec":
        """Read a spec from a YAML file path, or from YAML text: a string that spans several lines,
        starts with ``{``, or holds a ``key: value`` pair and is not an existing path
        (``"features: {x: {}}"``)."""
        import yaml

        text = _read_source(source, "YAML")
        try:
            raw = yaml.load(text, Loader=_unique_key_loader())
        except yaml.YAMLError as exc:
            raise SpecError([Problem(_source_name(source, "YAML"), "valid YAML", str(exc).replace("\n", " "),
                                     "Fix the YAML syntax at the position shown.")]) from None
        _check_document(raw, source, "YAML")
        return cls.from_dict(raw)

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=2)
        if path is not None:
            Path(path).write_text(text)
        return text

    @classmethod
    def from_json(cls, source: str | Path) -> "Spec":
        text = _read_source(source, "JSON")
        try:
            raw = json.loads(text, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise SpecError([Problem(_source_name(source, "JSON"), "valid JSON", str(exc), "Fix the JSON syntax.")]) from None
        except _DuplicateKey as exc:
            raise SpecError([Problem(_source_name(source, "JSON"), "each key once per object",
                                     f"the key {exc.args[0]!r} given twice",
                                     "JSON would keep only the last one; merge the two entries.")]) from None
        _check_document(raw, source, "JSON")
        return cls.from_dict(raw)


class _DuplicateKey(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (``json`` would silently keep the last)."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def _is_text(source: str | Path) -> bool:
    """Text rather than a path: it spans several lines, is a one-line mapping ``{...}`` or list
    ``[...]``, or holds a ``key: value`` pair (``"features: {x: {}}"``) and is not an existing path."""
    if not isinstance(source, str):
        return False
    if "\n" in source or source.lstrip().startswith(("{", "[")):
        return True
    if ": " not in source and not source.rstrip().endswith(":"):
        return False
    try:
        return not Path(source).exists()
    except OSError:  # e.g. a name too long for the file system: not a path
        return True


def _source_name(source: str | Path, what: str) -> str:
    return f"{what} text" if _is_text(source) else str(source)


def _read_source(source: str | Path, what: str) -> str:
    if not isinstance(source, (str, Path)):
        raise SpecError([Problem("source", f"a path to a {what} spec file, or {what} text", type(source).__name__,
                                 f"Pass a file name (str or pathlib.Path) or the {what} text itself.")])
    if _is_text(source):
        return source.removeprefix("\ufeff")
    path = Path(source)
    if path.is_dir():
        raise SpecError([Problem(str(source), f"a path to a {what} spec file", "a directory",
                                 "Name the spec file inside it (a saved model's spec is <model dir>/spec.yaml; "
                                 "load a saved model with priorml.load).")])
    if not path.is_file():
        raise SpecError([Problem(str(source), f"a path to a {what} spec file", "a path that does not exist",
                                 f"Check the file name and the working directory. (A string is read as {what} text "
                                 "instead when it spans several lines, starts with '{' or '[', or holds a "
                                 "'key: value' pair.)")])
    try:
        return path.read_text(encoding="utf-8-sig")  # without the byte-order mark some editors write
    except UnicodeDecodeError as exc:
        raise SpecError([Problem(str(source), f"a {what} text file (UTF-8)", *_not_utf8(path.read_bytes(), exc, what))]
                        ) from None


def _not_utf8(data: bytes, exc: UnicodeDecodeError, what: str) -> tuple[str, str]:
    """What a file that is not UTF-8 looks like, and how to fix it: (received, fix)."""
    fix = "Save it as UTF-8 (in most editors: save with encoding UTF-8)."
    if data[:4] in (b"\xff\xfe\0\0", b"\0\0\xfe\xff"):
        return "a UTF-32 text file", fix
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "a UTF-16 text file", fix
    head = data[:512] if len(data) % 2 == 0 else data[:511]
    if len(head) >= 8 and (not any(head[1::2]) or not any(head[0::2])):  # every other byte 0: UTF-16 text
        return "a UTF-16 text file without a byte-order mark", fix
    if b"\0" in data[:4096]:
        return "a binary file", f"Is this the spec? A spec is a small {what} text file; data files go to fit()."
    line = data[:exc.start].count(b"\n") + 1
    return (f"text in another encoding (byte 0x{data[exc.start]:02x} on line {line} is not UTF-8)",
            "Save it as UTF-8 (in most editors: save with encoding UTF-8); text in Latin-1 or Windows-1252, "
            "e.g. an accented category name, is the usual cause.")


def _check_document(raw: Any, source: str | Path, what: str) -> None:
    """The parsed file must be a mapping of spec keys; nothing, a scalar or a list means the wrong file."""
    if isinstance(raw, Mapping):
        return
    name = _source_name(source, what)
    if raw is None:
        raise SpecError([Problem(name, "a mapping of spec keys (task, features, interactions, ...)",
                                 "an empty document" if what == "YAML" else "null",
                                 "Write the spec in it, at least its features, e.g. "
                                 + ("features: {x: {monotonic: increasing}}" if what == "YAML" else
                                    '{"features": {"x": {"monotonic": "increasing"}}}') + ".")])
    got = f"a {type(raw).__name__}" + (f" ({str(raw)[:60]!r}...)" if isinstance(raw, str) else "")
    raise SpecError([Problem(name, "a mapping of spec keys (task, features, interactions, ...)", got,
                             "Is this the spec file? Data (e.g. a CSV file) goes to fit(), the spec to "
                             f"Spec.from_{what.lower()}; check the order of the arguments.")])


@functools.lru_cache(maxsize=None)
def _unique_key_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        """``safe_load`` that refuses a key given twice in one mapping (YAML would keep the last silently)."""

    def construct_mapping(loader, node, deep=False):
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # '<<: *anchor' merges; its keys may be overridden
                continue
            key = loader.construct_object(key_node, deep=deep)
            if isinstance(key_node, yaml.ScalarNode) and key_node.style is None and isinstance(key, (int, float)) \
                    and not isinstance(key, bool) and str(key) != key_node.value:
                # 010 (octal), 0x1F, 1_000, 0.10: YAML reads a number, whose text names another column
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"the key {key_node.value} is read by YAML as the number {key!r}, which would name the column "
                    f"{str(key)!r}; quote it ('{key_node.value}') to keep it as written", key_node.start_mark)
            try:
                hash(key)
            except TypeError:  # a list or mapping as a key: SafeLoader's own error says so
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"the key {key!r} is given twice (first on line {seen[key].line + 1}); "
                    "YAML would keep only the last one", key_node.start_mark)
            seen[key] = key_node.start_mark
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def _check_parts(spec: "Spec") -> None:
    """Python-built specs: each part must be the right object (``from_dict`` builds them from plain data)."""
    problems = []
    for i, f in enumerate(spec.features):
        if not isinstance(f, (NumericFeature, CategoricalFeature)):
            problems.append(Problem(f"features[{i}]", "a NumericFeature or CategoricalFeature", repr(f)[:60],
                                    "Build features with priorml.NumericFeature(name, ...) or use Spec.from_dict("
                                    "{'features': {name: {...}}})."))
    for i, inter in enumerate(spec.interactions):
        if not isinstance(inter, (Trust, Dominance)):
            problems.append(Problem(f"interactions[{i}]", "a Trust or Dominance", repr(inter)[:60],
                                    "Build interactions with priorml.Trust(...) / priorml.Dominance(...) or use "
                                    "Spec.from_dict."))
    # the same checks as from_dict's, for specs built in Python or changed with replace()
    if spec.target is not None and not isinstance(spec.target, str):
        problems.append(Problem("spec.target", "a column name (string)", repr(spec.target)[:60],
                                "Write the target column's name as text.", None, "target"))
    for key in ("name", "description"):
        if getattr(spec, key) is not None and not isinstance(getattr(spec, key), str):
            problems.append(Problem(f"spec.{key}", "a string or None", repr(getattr(spec, key))[:60],
                                    f"Write the {key} as text.", None, key))
    if spec.priors is not None and not isinstance(spec.priors, (Priors, Mapping)):
        problems.append(Problem("priors", "a Priors or a mapping {feature: {effect: [low, high], prob: p}, ...}",
                                repr(spec.priors)[:60], "Use priorml.Priors(...), None or a dict in the YAML grammar, e.g. "
                                "{'weight': {'effect': [-20, -5], 'prob': 0.9}}."))
    if isinstance(spec.output, Mapping):
        chk = Checker("output")
        chk.unknown_keys(spec.output, ("min", "max"), "output")  # the same check as from_dict's
        problems += chk.problems
    elif spec.output is not None and not isinstance(spec.output, Output):
        problems.append(Problem("output", "an Output or a mapping {min: ..., max: ...}", repr(spec.output)[:60],
                                "Use priorml.Output(min=..., max=...) or a dict {'min': ..., 'max': ...}."))
    if problems:
        raise SpecError(problems)


@dataclass(frozen=True)
class _Partial:
    """The parts of a spec that did parse, for cross-checks while reporting."""

    features: tuple
    task: str
    output: Any
    interactions: tuple
    priors: Priors
    target: str | None = None


def _cross_check(spec: Any, declared: set[str]) -> list[Problem]:
    """Problems that involve more than one part of the spec."""
    chk = Checker("spec")
    feats = {f.name: f for f in spec.features}
    if not spec.features and isinstance(spec, Spec):
        chk.add("features", "at least one feature", "none", "Declare at least one feature.", raw=True)
    names = [f.name for f in spec.features]
    for n in sorted({n for n in names if names.count(n) > 1}):
        chk.add("features", "distinct feature names", n, "Declare each feature once.")
    for n in names:
        if n in RESERVED_PRIOR_KEYS and spec.priors:
            chk.problems.append(Problem(f"features.{n}", f"a feature name other than {RESERVED_PRIOR_KEYS}", repr(n),
                                        "These names are reserved in the priors block; rename the column.", n, None))
    target = spec.target
    if isinstance(target, str) and (target in declared or target in feats):
        chk.problems.append(Problem("spec.target", "a column that is not one of the features (the model would be "
                                    "given the answer it is asked to predict)", f"{target!r}, which is also declared "
                                    "under features", f"Remove {target!r} from features, or name another column "
                                    "as the target.", target, "target"))
    if not isinstance(spec.task, str) or spec.task not in TASKS:
        chk.add("task", " or ".join(map(repr, TASKS)), spec.task,
                "Write task='regression' or task='classification' (binary).")
    if spec.task == "classification" and spec.output is not None:
        chk.add("output", "no output bounds for classification (probabilities are already in [0, 1])",
                spec.output.to_dict(), "Remove the output block.")

    for inter in spec.interactions:
        if isinstance(inter, Trust):
            where, other_key = f"interactions[trust {inter.feature} by {inter.by}]", "by"
            pair = (inter.feature, inter.by)
        else:
            where, other_key = f"interactions[dominance {inter.feature} over {inter.over}]", "over"
            pair = (inter.feature, inter.over)
        for key, name in zip(("feature", other_key), pair):
            if name not in declared:
                chk.problems.append(Problem(f"{where}.{key}", "a declared feature", repr(name),
                                            (did_you_mean(name, declared).strip() + " Declare it under features or fix the name.").strip(),
                                            name, key))
        if not all(n in feats for n in pair):
            continue
        a, b = feats[pair[0]], feats[pair[1]]
        if isinstance(inter, Trust):
            if not isinstance(a, NumericFeature) or not a.monotonic:
                chk.problems.append(Problem(f"{where}.feature", "a monotonic numeric feature (trust is about the slope of a monotonic effect)",
                                            f"{a.name!r} which is not monotonic", f"Add 'monotonic' to {a.name!r} or remove the trust.", a.name, "feature"))
            if not isinstance(b, NumericFeature):
                chk.problems.append(Problem(f"{where}.by", "a numeric feature", f"categorical {b.name!r}",
                                            "Trust is conditioned on a numeric feature.", b.name, "by"))
        else:
            for key, f in (("feature", a), ("over", b)):
                if not isinstance(f, NumericFeature) or not f.monotonic:
                    chk.problems.append(Problem(f"{where}.{key}", "a monotonic numeric feature (dominance compares two monotonic effects)",
                                                f"{f.name!r} which is not monotonic", f"Add 'monotonic' to {f.name!r} or remove the dominance.", f.name, key))
            if (isinstance(a, NumericFeature) and isinstance(b, NumericFeature) and a.monotonic and b.monotonic
                    and a.monotonic != b.monotonic):
                chk.problems.append(Problem(f"{where}.over", "both features monotonic in the same direction",
                                            f"{a.name!r} {_canon.monotonic_name(a.monotonic)} and {b.name!r} {_canon.monotonic_name(b.monotonic)}",
                                            "Dominance compares effects of the same sign.", b.name, "over"))
    seen = set()
    for inter in spec.interactions:
        key = (type(inter).__name__,) + tuple(sorted(inter.features))
        if key in seen:
            chk.add("interactions", "each pair constrained once per kind", f"{type(inter).__name__.lower()} {inter.features}",
                    "Remove the duplicate.", raw=True)
        seen.add(key)
    # A dominance cycle (a over b, b over c, c over a) would force the effects to be equal; a cycle of two is
    # reported as a duplicate pair above.
    cycle = _find_cycle([(d.feature, d.over) for d in spec.interactions if isinstance(d, Dominance)])
    if cycle and len(cycle) > 3:
        chk.add("interactions", "dominances without cycles", " over ".join(map(str, cycle)),
                "A cycle would force these features' effects to be equal; remove one of the dominances.", raw=True)

    for p in spec.priors.effects:
        if p.feature not in declared:
            chk.problems.append(Problem(f"priors.{p.feature}", "a declared feature, 'noise' or 'intercept'", repr(p.feature),
                                        (did_you_mean(p.feature, list(declared) + list(RESERVED_PRIOR_KEYS)).strip()
                                         + " Fix the name or declare the feature.").strip(), p.feature, None))
            continue
        f = feats.get(p.feature)
        if f is None:
            continue
        if isinstance(f, CategoricalFeature):
            chk.problems.append(Problem(f"priors.{p.feature}", "an effect prior on a numeric feature", "a categorical feature",
                                        "Effect priors are stated as the change across a numeric range; remove it.", p.feature, "effect"))
            continue
        lo, hi = p.effect
        if f.monotonic > 0 and lo < 0:
            chk.problems.append(Problem(f"priors.{p.feature}.effect", f"a range within [0, inf) because {p.feature!r} is increasing",
                                        repr(list(p.effect)), "The prior contradicts the declared monotonicity; fix its sign or the constraint.",
                                        p.feature, "effect"))
        if f.monotonic < 0 and hi > 0:
            chk.problems.append(Problem(f"priors.{p.feature}.effect", f"a range within (-inf, 0] because {p.feature!r} is decreasing",
                                        repr(list(p.effect)), "The prior contradicts the declared monotonicity; fix its sign or the constraint.",
                                        p.feature, "effect"))
    if spec.priors.noise is not None and spec.task == "classification":
        chk.problems.append(Problem("priors.noise", "no noise prior for classification (the Bernoulli likelihood has no noise scale)",
                                    repr(spec.priors.noise.to_dict()), "Remove priors.noise."))
    return chk.problems


def as_spec(spec: Any) -> Spec:
    """``spec`` given as a :class:`Spec`, a dict, or a path to a YAML/JSON file, as a :class:`Spec`.

    Raises
    ------
    SpecError
        For anything else, or an invalid spec.
    """
    if isinstance(spec, Spec):
        return spec
    if isinstance(spec, Mapping):
        return Spec.from_dict(spec)
    if isinstance(spec, (str, Path)):
        return Spec.from_json(spec) if str(spec).endswith(".json") else Spec.from_yaml(spec)
    raise SpecError([Problem("spec", "a priorml.Spec, a dict, or a path to a YAML/JSON file", type(spec).__name__,
                             "Build one with priorml.Spec.from_dict(...) or give the path of a YAML spec.")])
