"""Resampling protocols for small data: which rows train and test each fit.

The default protocol (``cv=None``) depends on the number of rows ``n``:

=================  ===========================================================
``n < 50``         leave-one-out; metrics from the pooled out-of-fold predictions
``50 <= n < 1000`` 5-fold cross-validation repeated twice (10 fits per model)
``n >= 1000``      5-fold cross-validation, once
=================  ===========================================================

k-fold splits are shuffled with ``random_state`` and stratified by class for
classification. Learning curves subsample each training part along one nested,
class-stratified order per split (:func:`nested_order`), so the rows used at a
smaller size are a subset of those used at a larger size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ..errors import Problem, SpecError

__all__ = ["Split", "Protocol", "resolve_cv", "splitter_folds", "nested_order", "task_seed", "LOO_BELOW",
           "REPEAT_BELOW"]

#: below this many rows the default protocol is leave-one-out
LOO_BELOW = 50
#: below this many rows (and from LOO_BELOW) 5-fold CV is repeated twice
REPEAT_BELOW = 1000
DEFAULT_FOLDS = 5
DEFAULT_REPEATS = 2


@dataclass(frozen=True)
class Split:
    """One train/test split: row positions, and where it sits in the protocol."""

    index: int
    repeat: int
    fold: int
    train: np.ndarray
    test: np.ndarray


@dataclass
class Protocol:
    """The resampling protocol of a comparison.

    ``pooled`` is true when every test fold is a single row (leave-one-out):
    metrics are then computed once, from all out-of-fold predictions pooled.
    """

    name: str
    description: str
    splits: list[Split]
    pooled: bool
    n_rows: int
    notes: list[str] = field(default_factory=list)

    @property
    def test_train_ratio(self) -> float:
        """Mean test size over mean training size (the Nadeau-Bengio correction term)."""
        return self.ratio_for([len(s.train) for s in self.splits])

    def ratio_for(self, train_sizes: Sequence[int]) -> float:
        """Mean test size over the mean of ``train_sizes``, the rows each split's fits used (fewer than its
        training part for a learning-curve subsample)."""
        return float(np.mean([len(s.test) for s in self.splits]) / np.mean(train_sizes))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "n_splits": len(self.splits),
                "n_repeats": len({s.repeat for s in self.splits}), "pooled": self.pooled,
                "n_rows": self.n_rows, "notes": list(self.notes)}


def splitter_folds(splitter: Any, X: Any, y: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, test) row indices of a scikit-learn splitter (boolean masks turned into indices).

    A splitter that cannot split these rows (one that needs ``groups``, or more folds than rows),
    yields nothing, or yields a split without training or test rows is a SpecError naming ``cv``,
    not the splitter's own error.
    """
    try:
        raw = list(splitter.split(X, y))
    except (ValueError, TypeError) as exc:
        first = str(exc).splitlines()[0][:200].rstrip(".") if str(exc) else type(exc).__name__
        raise SpecError([Problem("cv", "a splitter that can split these rows from X and y alone", first,
                                 "Use cv=5 (or another number of folds), or a splitter that needs no groups, "
                                 "with n_splits at most the number of rows.")], title="Invalid cv") from None
    if not raw:
        raise SpecError([Problem("cv", "a splitter that yields at least one split", "no splits", "Use cv=5.")],
                        title="Invalid cv")
    folds = []
    for i, (tr, te) in enumerate(raw):
        tr, te = np.asarray(tr), np.asarray(te)
        if tr.dtype == bool:
            tr, te = np.flatnonzero(tr), np.flatnonzero(te)
        if len(tr) == 0 or len(te) == 0:
            raise SpecError([Problem("cv", "splits with training and test rows",
                                     f"split {i}: {len(tr)} training, {len(te)} test rows",
                                     "Use cv=5 or a splitter whose splits all have both.")], title="Invalid cv")
        folds.append((tr, te))
    return folds


def task_seed(random_state: int, *keys: int) -> int:
    """A seed for one fit, a function of ``random_state`` and the fit's place (never of execution order)."""
    return int(np.random.SeedSequence([int(random_state), *map(int, keys)]).generate_state(1)[0] % (2**31 - 1))


def _class_counts(y_codes: np.ndarray) -> np.ndarray:
    return np.bincount(y_codes, minlength=2)


def _kfold(k: int, repeats: int, n: int, y_codes: np.ndarray | None, random_state: int) -> list[Split]:
    from sklearn.model_selection import KFold, StratifiedKFold

    splits: list[Split] = []
    X0 = np.zeros((n, 1))
    for r in range(repeats):
        seed = task_seed(random_state, 7919, r)
        if y_codes is not None:
            it = StratifiedKFold(k, shuffle=True, random_state=seed).split(X0, y_codes)
        else:
            it = KFold(k, shuffle=True, random_state=seed).split(X0)
        for f, (tr, te) in enumerate(it):
            splits.append(Split(len(splits), r, f, np.asarray(tr), np.asarray(te)))
    return splits


def _loo(n: int) -> list[Split]:
    rows = np.arange(n)
    return [Split(i, 0, i, np.delete(rows, i), rows[i:i + 1]) for i in range(n)]


def resolve_cv(cv: Any, X: Any, y: np.ndarray, y_codes: np.ndarray | None, random_state: int) -> Protocol:
    """The protocol for ``cv`` (None, an int, ``'loo'`` or a scikit-learn splitter).

    ``y_codes`` are the class codes (0/1) for classification, None for regression.
    Raises SpecError for a protocol that cannot work on these rows (for classification, a splitter whose
    training rows hold one class).
    """
    n = int(len(y))
    clf = y_codes is not None
    counts = _class_counts(y_codes) if clf else None
    minority = int(counts.min()) if clf else n
    if n < 2:  # leave-one-out of one row would fit on no rows at all
        raise SpecError([Problem("y", "at least 2 rows (every fit needs a training row and a test row)",
                                 f"{n} row", "Collect more rows.")], title="Invalid data for compare")
    if clf and minority < 2:
        raise SpecError([Problem("y", "at least 2 rows of each class (a training part must contain both classes)",
                                 f"class counts {counts.tolist()}", "Collect more rows of the rare class.")],
                        title="Invalid data for compare")
    notes: list[str] = []
    if cv is None:
        if n < LOO_BELOW:
            return Protocol("loo", f"leave-one-out ({n} fits per model; chosen because n = {n} < {LOO_BELOW})",
                            _loo(n), True, n, notes)
        k = DEFAULT_FOLDS
        if clf and minority < k:
            k = minority
            notes.append(f"{k} folds instead of {DEFAULT_FOLDS}: the rarer class has only {minority} rows")
        repeats = DEFAULT_REPEATS if n < REPEAT_BELOW else 1
        strat = "stratified " if clf else ""
        desc = (f"{strat}{k}-fold cross-validation repeated {repeats} times" if repeats > 1
                else f"{strat}{k}-fold cross-validation") + f" ({k * repeats} fits per model, n = {n})"
        return Protocol("repeated_kfold" if repeats > 1 else "kfold", desc, _kfold(k, repeats, n, y_codes if clf else None,
                                                                                  random_state), False, n, notes)
    if isinstance(cv, str):
        if cv.strip().lower() in ("loo", "leave_one_out", "leave-one-out"):
            return Protocol("loo", f"leave-one-out ({n} fits per model)", _loo(n), True, n, notes)
        from ..errors import did_you_mean

        raise SpecError([Problem("cv", "None (small-data protocol), an int number of folds, 'loo' or a scikit-learn splitter",
                                 repr(cv), did_you_mean(cv, ["loo"]).strip())], title="Invalid cv")
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        k = int(cv)
        if k < 2:
            raise SpecError([Problem("cv", "at least 2 folds", repr(cv), "Use cv=5, or cv='loo' for leave-one-out.")],
                            title="Invalid cv")
        if k > n:
            raise SpecError([Problem("cv", f"at most {n} folds (one per row)", f"{k} folds for {n} rows",
                                     "Use fewer folds, or cv='loo' for leave-one-out.")], title="Invalid cv")
        if clf and k > minority:
            raise SpecError([Problem("cv", f"at most {minority} folds (rows of the rarer class; folds are stratified)",
                                     f"{k} folds, class counts {counts.tolist()}",
                                     f"Use cv={minority} or fewer, or cv='loo'.")], title="Invalid cv")
        strat = "stratified " if clf else ""
        return Protocol("kfold", f"{strat}{k}-fold cross-validation ({k} fits per model, n = {n})",
                        _kfold(k, 1, n, y_codes if clf else None, random_state), k == n, n, notes)
    if hasattr(cv, "split"):
        raw = splitter_folds(cv, np.zeros((n, 1)) if X is None else X, y_codes if clf else y)
        n_rep = getattr(cv, "n_repeats", 1)
        per = max(1, len(raw) // n_rep) if isinstance(n_rep, (int, np.integer)) and n_rep >= 1 else len(raw)
        splits = [Split(i, i // per, i % per, tr, te) for i, (tr, te) in enumerate(raw)]
        if clf:  # a classifier cannot be fitted on one class (nor give the other class a probability)
            per_split = [(s.index, _class_counts(y_codes[s.train])) for s in splits]
            one = [(i, c.tolist()) for i, c in per_split if c.min() == 0]
            if one:
                i, c = one[0]
                raise SpecError([Problem("cv", "splits whose training rows contain both classes",
                                         f"{len(one)} of {len(splits)} splits with one class only (split {i}: "
                                         f"training class counts {c})",
                                         "Use a stratified splitter (e.g. StratifiedKFold(5, shuffle=True)), "
                                         "cv=5 or cv='loo'.")], title="Invalid cv")
        tests = np.concatenate([s.test for s in splits])
        pooled = all(len(s.test) == 1 for s in splits) and len(np.unique(tests)) == len(tests)
        return Protocol(type(cv).__name__, f"{type(cv).__name__} ({len(splits)} fits per model, n = {n})",
                        splits, pooled, n, notes)
    raise SpecError([Problem("cv", "None (small-data protocol), an int number of folds, 'loo' or a scikit-learn splitter",
                             f"{type(cv).__name__} {cv!r}"[:120], "For example cv=5.")], title="Invalid cv")


def nested_order(train: np.ndarray, y_codes: np.ndarray | None, seed: int) -> np.ndarray:
    """The training rows in a random order whose every prefix is (about) class-stratified.

    Each row of class c with rank i (random within its class) gets the key
    ``(i + u) / n_c`` with ``u`` uniform; sorting by the key interleaves the
    classes in proportion. The first row of each class is then moved to the
    front, so every prefix of length >= 2 contains both classes.
    """
    rng = np.random.default_rng(seed)
    train = np.asarray(train)
    if y_codes is None:
        return train[rng.permutation(len(train))]
    key = np.empty(len(train))
    cls = y_codes[train]
    for c in np.unique(cls):
        idx = np.flatnonzero(cls == c)
        ranks = rng.permutation(len(idx))
        key[idx] = (ranks + rng.uniform(size=len(idx))) / len(idx)
    order = train[np.argsort(key, kind="stable")]
    firsts = [int(np.flatnonzero(y_codes[order] == c)[0]) for c in np.unique(cls)]
    front = order[sorted(firsts)]
    rest = np.delete(order, sorted(firsts))
    return np.concatenate([front, rest])
