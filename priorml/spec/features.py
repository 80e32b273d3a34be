"""Feature declarations: numeric and categorical, with their constraints.

Both are frozen dataclasses. Friendly spellings (``"increasing"``, ``1``,
``"+1"``) are canonicalised once, in ``__post_init__``; invalid values raise a
:class:`~priorml.errors.SpecError` that lists every problem of the feature.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, Union

from ..errors import short_list
from . import _canon
from ._check import Checker

__all__ = ["NumericFeature", "CategoricalFeature", "Feature", "feature_from_dict"]

MISSING_NUMERIC = ("error", "median", "mean", "min", "max")
MISSING_CATEGORICAL = ("error", "mode", "category")
DEFAULT_KEYPOINTS = 10
#: the most values of one key reported one by one; the rest are counted (messages stay short for long lists)
MAX_REPORTED = 5


def _as_tuple(value: Any) -> tuple | None:
    value = _canon.plain_data(value)  # a NumPy array or pandas Index of categories; NumPy scalars as Python ones
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value  # left for the checker to refuse


@dataclass(frozen=True)
class NumericFeature:
    """A numeric input with optional shape constraints.

    Parameters
    ----------
    name : str
        Column name.
    monotonic : {'increasing', 'decreasing', 1, -1, None}
        Direction in which the prediction must move as the feature grows.
        Stored canonically as ``1``, ``-1`` or ``0``.
    shape : {'convex', 'concave', None}
        Curvature of the effect.
    unimodal : {'peak', 'valley', None}
        The effect rises then falls (``peak``) or falls then rises (``valley``).
        Cannot be combined with ``monotonic``.
    keypoints : int or sequence of float
        Number of calibration keypoints (placed at quantiles of the unique
        training values) or an explicit increasing list.
    missing : {'error', 'median', 'mean', 'min', 'max'} or float
        What to do with missing values: refuse them, or impute a statistic of
        the training column, or a fixed number.
    clip : (float, float) or None
        Inputs are clipped to this range before calibration; keypoints span it.

    Examples
    --------
    >>> NumericFeature("weight", monotonic="decreasing", shape="convex").monotonic
    -1
    """

    name: str
    monotonic: int = 0
    shape: Literal["convex", "concave"] | None = None
    unimodal: Literal["peak", "valley"] | None = None
    keypoints: int | tuple[float, ...] = DEFAULT_KEYPOINTS
    missing: str | float = "error"
    clip: tuple[float, float] | None = None

    kind = "numeric"

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen dataclass)
        set_("name", _canon.plain(self.name))
        chk = Checker(f"features.{self.name}", self.name)
        _check_name(chk, self.name)
        set_("monotonic", chk.canon("monotonic", self.monotonic, _canon.monotonic, default=0))
        set_("shape", chk.canon("shape", self.shape, lambda v: _canon.choice(v, ("convex", "concave"))))
        set_("unimodal", chk.canon("unimodal", self.unimodal, lambda v: _canon.choice(v, ("peak", "valley"))))
        set_("keypoints", _check_keypoints(chk, self.keypoints))
        set_("missing", _check_missing(chk, self.missing, MISSING_NUMERIC))
        set_("clip", _check_range(chk, "clip", self.clip, "Write clip: [low, high], e.g. [0, 100]."))
        if self.monotonic and self.unimodal:
            chk.add(
                "unimodal",
                "either 'monotonic' or 'unimodal', not both",
                f"monotonic={_canon.monotonic_name(self.monotonic)!r} and unimodal={self.unimodal!r}",
                "A unimodal effect changes direction; drop one of the two keys.",
                raw=True,
            )
        if self.shape and self.unimodal:
            if (self.shape, self.unimodal) in (("convex", "peak"), ("concave", "valley")):
                chk.add(
                    "shape",
                    f"a shape compatible with unimodal={self.unimodal!r}",
                    self.shape,
                    "A convex curve has no interior peak and a concave one no interior valley; "
                    "use shape: concave with peak, convex with valley, or drop shape.",
                )
        if isinstance(self.keypoints, tuple) and self.clip is not None:
            lo, hi = self.clip
            if self.keypoints[0] < lo or self.keypoints[-1] > hi:
                chk.add("keypoints", f"keypoints inside clip range [{lo}, {hi}]", short_list(self.keypoints),
                        "Widen the clip range or move the keypoints.", raw=True)
        chk.raise_if_any()

    @property
    def is_constrained(self) -> bool:
        return bool(self.monotonic or self.shape or self.unimodal)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form; keys at their default value are left out."""
        out: dict[str, Any] = {}
        if self.monotonic:
            out["monotonic"] = _canon.monotonic_name(self.monotonic)
        if self.shape:
            out["shape"] = self.shape
        if self.unimodal:
            out["unimodal"] = self.unimodal
        if self.keypoints != DEFAULT_KEYPOINTS:
            out["keypoints"] = list(self.keypoints) if isinstance(self.keypoints, tuple) else self.keypoints
        if self.missing != "error":
            out["missing"] = self.missing
        if self.clip is not None:
            out["clip"] = list(self.clip)
        return out

    def replace(self, **changes: Any) -> "NumericFeature":
        return replace(self, **changes)


@dataclass(frozen=True)
class CategoricalFeature:
    """A categorical input, optionally with an order between categories.

    Parameters
    ----------
    name : str
        Column name.
    categories : sequence or None
        The allowed categories. ``None``: learnt from the training data.
    order : sequence
        Either one chain ``[low, mid, high]`` meaning
        ``f(low) <= f(mid) <= f(high)``, or a list of chains/pairs
        ``[[a, b], [a, c]]`` meaning ``f(a) <= f(b)`` and ``f(a) <= f(c)``.
        Stored canonically as a tuple of chains.
    missing : {'error', 'mode', 'category'}
        Refuse missing values, impute the most frequent category, or treat
        missing as a category of its own (unconstrained).

    Examples
    --------
    >>> CategoricalFeature("grade", order=["low", "mid", "high"]).order_pairs
    (('low', 'mid'), ('mid', 'high'))
    """

    name: str
    categories: tuple | None = None
    order: tuple[tuple, ...] = ()
    missing: str = "error"

    kind = "categorical"

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _canon.plain(self.name))
        chk = Checker(f"features.{self.name}", self.name)
        _check_name(chk, self.name)
        cats = _as_tuple(self.categories)
        if cats is not None and not isinstance(cats, tuple):
            chk.add("categories", "a list of categories", cats,
                    "Write the categories as a list, e.g. categories: [low, mid, high].")
            cats = None
        if cats is not None:
            if len(cats) < 2:
                chk.add("categories", "a list of at least 2 categories", list(cats),
                        "A feature with one category carries no information; drop it.")
            seen, dups = set(), []
            bad = [c for c in cats if not isinstance(c, (str, int)) or isinstance(c, bool)]
            for c in bad[:MAX_REPORTED]:  # one problem each, the first few (a float array could hold 10**5)
                chk.add("categories", "categories that are strings or integers", c, _category_fix(c))
            if len(bad) > MAX_REPORTED:
                chk.add("categories", "categories that are strings or integers",
                        f"{len(bad) - MAX_REPORTED} more such values: {short_list(bad[MAX_REPORTED:], 5)}",
                        "Convert the categories to text or integers.", raw=True)
            for c in cats:
                key = _cat_key(c)
                if key in seen:
                    dups.append(c)
                seen.add(key)
            if dups:
                chk.add("categories", "distinct categories", f"duplicates {short_list(dups)}",
                        "List each category once.", raw=True)
        object.__setattr__(self, "categories", cats)
        object.__setattr__(self, "order", _check_order(chk, self.order, cats))
        object.__setattr__(self, "missing", _check_missing(chk, self.missing, MISSING_CATEGORICAL, numbers=False))
        chk.raise_if_any()

    @property
    def is_constrained(self) -> bool:
        return bool(self.order)

    @property
    def order_pairs(self) -> tuple[tuple[Any, Any], ...]:
        """The order as ``(lower, higher)`` pairs, without duplicates, in spec order."""
        pairs: list[tuple[Any, Any]] = []
        for chain in self.order:
            for a, b in zip(chain[:-1], chain[1:]):
                if (a, b) not in pairs:
                    pairs.append((a, b))
        return tuple(pairs)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "categorical"}
        if self.categories is not None:
            out["categories"] = list(self.categories)
        if len(self.order) == 1:
            out["order"] = list(self.order[0])
        elif self.order:
            out["order"] = [list(c) for c in self.order]
        if self.missing != "error":
            out["missing"] = self.missing
        return out

    def replace(self, **changes: Any) -> "CategoricalFeature":
        return replace(self, **changes)


Feature = Union[NumericFeature, CategoricalFeature]

NUMERIC_KEYS = ("type",) + tuple(f.name for f in fields(NumericFeature) if f.name != "name")
CATEGORICAL_KEYS = ("type",) + tuple(f.name for f in fields(CategoricalFeature) if f.name != "name")


def _category_fix(value: Any) -> str:
    """How to write a category that is neither text nor an integer."""
    if isinstance(value, bool):
        return "Write the category as text; a column of True/False values matches the text 'True' and 'False'."
    if isinstance(value, float) and value != value:
        return ("NaN is not a category: to give missing values a category of their own, set 'missing: category' "
                "on the feature and leave NaN out of the list.")
    if isinstance(value, float) and value.is_integer():
        return (f"Write {value!r} as the integer {int(value)} (a float array of whole numbers, such as "
                "np.array([1.0, 2.0]), can be passed as its .astype(int)).")
    return ("Write each category as text or as an integer; quote numbers with a fraction "
            "(e.g. '1.5') so that they are read as text.")


def _cat_key(value: Any) -> str:
    """Categories match by their text, so 1 (YAML) and '1' (CSV) are the same."""
    return str(value)


def _check_name(chk: Checker, name: Any) -> None:
    if not isinstance(name, str) or not name:
        chk.add("name", "a non-empty string", name, "Name the feature by its column name, as text.")


KEYPOINTS_FIX = "Write a count such as keypoints: 10, or an increasing list of numbers such as [0, 5, 10]."


def _check_keypoints(chk: Checker, kp: Any) -> Any:
    kp = _canon.plain_data(kp)
    if isinstance(kp, bool):
        chk.add("keypoints", "an integer >= 2 or an increasing list of at least 2 numbers", kp, KEYPOINTS_FIX)
        return DEFAULT_KEYPOINTS
    if isinstance(kp, int) or (isinstance(kp, float) and float(kp).is_integer()):
        if int(kp) < 2:
            chk.add("keypoints", "an integer >= 2 (at least 2 calibration keypoints)", kp,
                    "Use keypoints: 2 for a linear effect, more for a flexible one.")
            return DEFAULT_KEYPOINTS
        return int(kp)
    if isinstance(kp, (list, tuple)):
        try:
            vals = tuple(_canon.number(v) for v in kp)
        except _canon._Invalid:
            chk.add("keypoints", "a list of finite numbers", short_list(kp),
                    "Write every keypoint as a number, e.g. [0, 5, 10].", raw=True)
            return DEFAULT_KEYPOINTS
        if len(vals) < 2:
            chk.add("keypoints", "at least 2 keypoints", list(kp),
                    "List at least 2 increasing numbers (the two ends of the range), or give a count such as "
                    "keypoints: 10.")
            return DEFAULT_KEYPOINTS
        if any(b <= a for a, b in zip(vals[:-1], vals[1:])):
            chk.add("keypoints", "a strictly increasing list", short_list(kp), "Sort the keypoints and remove duplicates.",
                    raw=True)
            return DEFAULT_KEYPOINTS
        return vals
    chk.add("keypoints", "an integer >= 2 or an increasing list of at least 2 numbers", kp, KEYPOINTS_FIX)
    return DEFAULT_KEYPOINTS


def _check_missing(chk: Checker, value: Any, options: tuple[str, ...], numbers: bool = True) -> Any:
    value = _canon.plain(value)
    if isinstance(value, str) and value.strip().lower() in options:
        return value.strip().lower()
    if numbers and not isinstance(value, (str, bool)):
        try:
            return _canon.number(value)
        except _canon._Invalid:
            pass
    spelled = ", ".join(repr(o) for o in options) + (" or a number to impute" if numbers else "")
    from ..errors import did_you_mean

    alts = [o for o in options if o != "error"] + (["a number"] if numbers else [])
    fix = (f"Write missing: {', '.join(alts[:-1])} or {alts[-1]}" if len(alts) > 1 else f"Write missing: {alts[0]}")
    fix += ", or remove the key to refuse missing values."
    if not numbers and isinstance(value, str) and value.strip().lower() in MISSING_NUMERIC:
        fix += " A categorical feature has no median or mean: 'mode' imputes its most frequent category."
    chk.add("missing", f"one of {spelled}", value, (did_you_mean(value, options).strip() + " " + fix).strip())
    return "error"


def _check_range(chk: Checker, key: str, value: Any, fix: str) -> tuple[float, float] | None:
    value = _canon.plain_data(value)
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        chk.add(key, "a pair [low, high]", value, fix)
        return None
    try:
        lo, hi = (_canon.number(v) for v in value)
    except _canon._Invalid:
        chk.add(key, "a pair of finite numbers [low, high]", list(value), fix)
        return None
    if lo >= hi:
        chk.add(key, "low < high", list(value), "Swap the two numbers.")
        return None
    return (lo, hi)


ORDER_FIX = "Write one chain such as order: [low, mid, high], or a list of pairs such as [[a, b], [a, c]]."


def _check_order(chk: Checker, order: Any, cats: tuple | None) -> tuple[tuple, ...]:
    order = _canon.plain_data(order)
    if order is None or (isinstance(order, (list, tuple)) and len(order) == 0):
        return ()
    if not isinstance(order, (list, tuple)):
        chk.add("order", "a chain [low, mid, high] or a list of pairs [[low, high], ...]", order, ORDER_FIX)
        return ()
    nested = [isinstance(c, (list, tuple)) for c in order]
    if all(nested):
        chains = tuple(tuple(c) for c in order)
    elif not any(nested):
        chains = (tuple(order),)
    else:
        chk.add("order", "either one chain [low, mid, high] or a list of pairs, not a mix", short_list(order),
                "Write every element as a pair, e.g. [[low, mid], [mid, high]].", raw=True)
        return ()
    ok = True
    bad = list({_cat_key(c): c for chain in chains for c in chain
                if not isinstance(c, (str, int)) or isinstance(c, bool)}.values())
    for c in bad[:MAX_REPORTED]:
        chk.add("order", "categories that are strings or integers", c, _category_fix(c))
        ok = False
    for chain in chains:
        if len(chain) < 2:
            chk.add("order", "chains and pairs of at least 2 categories", list(chain),
                    "Each chain or pair names a lower and a higher category, e.g. [a, b].")
            ok = False
        if len({_cat_key(c) for c in chain}) != len(chain):
            chk.add("order", "a chain without repeated categories", short_list(chain),
                    "A category cannot be below itself.", raw=True)
            ok = False
    if cats is not None:
        from ..errors import did_you_mean

        known = {_cat_key(c) for c in cats}
        unknown = list({_cat_key(c): c for chain in chains for c in chain if _cat_key(c) not in known}.values())
        listed = ", ".join(map(str, cats[:20])) + (f", ... ({len(cats)} in all)" if len(cats) > 20 else "")
        for c in unknown[:MAX_REPORTED]:
            chk.add("order", f"categories listed in 'categories' ({listed})", c,
                    (did_you_mean(c, cats).strip() + " Add it to categories or fix the name.").strip())
        if len(unknown) > MAX_REPORTED:
            chk.add("order", "categories listed in 'categories'",
                    f"{len(unknown) - MAX_REPORTED} more unlisted categories: {short_list(unknown[MAX_REPORTED:], 5)}",
                    "Add them to categories or fix the names.", raw=True)
        ok = ok and not unknown
    if ok:
        cycle = _find_cycle([(a, b) for ch in chains for a, b in zip(ch[:-1], ch[1:])])
        if cycle:
            chk.add("order", "an order without cycles", " <= ".join(map(str, cycle)),
                    "A cycle would force these categories to be equal; remove one of the pairs.", raw=True)
    return chains


def _find_cycle(pairs: list[tuple[Any, Any]]) -> list[Any] | None:
    graph: dict[str, list[Any]] = {}
    label: dict[str, Any] = {}
    for a, b in pairs:
        graph.setdefault(_cat_key(a), []).append(_cat_key(b))
        label[_cat_key(a)], label[_cat_key(b)] = a, b
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in list(graph):
        if node not in state:
            found = visit(node)
            if found:
                return [label[n] for n in found]
    return None


def _feature_type(value: Any) -> str:
    """``type``: 'numeric' or 'categorical', case-insensitive like every other choice."""
    try:
        return _canon.choice(value, ("numeric", "categorical"), allow_none=False)
    except _canon._Invalid:
        raise _canon._Invalid("'numeric' or 'categorical'",
                              "Write type: categorical for a feature whose values are labels, or leave type out "
                              "for a numeric one (the default).") from None


def feature_from_dict(name: str, raw: Any) -> Feature:
    """Build a feature from its mapping in a spec; raises SpecError with all problems."""
    from ..errors import SpecError

    chk = Checker(f"features.{name}", name)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        chk.add(None, "a mapping of constraint keys, e.g. {monotonic: increasing}, or {}", raw,
                f"Write {name}: {{}} for an unconstrained numeric feature, or a mapping of its constraints such as "
                f"{name}: {{monotonic: increasing}}.")
        raise SpecError(chk.problems)
    kind = chk.canon("type", raw.get("type", "numeric"), _feature_type, default=None)
    if kind is None:
        # The kind is unknown, but the other keys can still be misspelt: check them against both kinds.
        chk.unknown_keys(raw, NUMERIC_KEYS + tuple(k for k in CATEGORICAL_KEYS if k not in NUMERIC_KEYS), "a feature")
        raise SpecError(chk.problems)
    if kind == "categorical":
        for key, what in (("monotonic", "use 'order' to rank categories"),
                          ("shape", "convex/concave has no meaning without distances between categories"),
                          ("unimodal", "use 'order' pairs instead"),
                          ("keypoints", "categories need no keypoints"),
                          ("clip", "categories cannot be clipped")):
            if key in raw:
                chk.add(key, f"no '{key}' on a categorical feature", raw[key], f"Remove it: {what}.")
        chk.unknown_keys(raw, CATEGORICAL_KEYS, "a categorical feature",
                         also_known=("monotonic", "shape", "unimodal", "keypoints", "clip"))
        kwargs = {k: raw[k] for k in CATEGORICAL_KEYS if k in raw and k != "type"}
        cls: type = CategoricalFeature
    else:
        chk.unknown_keys(raw, NUMERIC_KEYS, "a numeric feature", also_known=("categories", "order"))
        for key in ("categories", "order"):
            if key in raw:
                chk.add(key, f"no '{key}' on a numeric feature", raw[key],
                        "Add 'type: categorical' if the feature is categorical.")
        kwargs = {k: raw[k] for k in NUMERIC_KEYS if k in raw and k != "type"}
        cls = NumericFeature
    try:
        feat = cls(name, **kwargs)
    except SpecError as exc:
        chk.problems.extend(exc.problems)
        feat = None
    chk.raise_if_any()
    return feat
