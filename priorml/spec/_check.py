"""A small accumulator of problems, so that every problem is reported at once."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from ..errors import Problem, SpecError, did_you_mean
from ._canon import _Invalid


#: YAML 1.1 reads unquoted yes/no/on/off/true/false as booleans ("the Norway problem").
BOOL_HINT = ("YAML reads unquoted yes/no/on/off/true/false as booleans: quote the value (e.g. 'no') "
             "if you meant text.")

#: the longest text of a received value in a problem; longer ones are cut
MAX_RECEIVED = 300


class Checker:
    """Collect :class:`Problem` objects under a location prefix."""

    def __init__(self, where: str, feature: str | None = None):
        self.where = where
        self.feature = feature
        self.problems: list[Problem] = []

    def add(self, key: str | None, expected: str, received: Any, fix: str = "", *, raw: bool = False) -> None:
        where = f"{self.where}.{key}" if key else self.where
        got = received if raw else repr(received)
        if isinstance(got, str) and len(got) > MAX_RECEIVED:  # e.g. a list of 10**5 values: the message stays short
            got = got[:MAX_RECEIVED] + f"... ({len(got)} characters)"
        if isinstance(received, bool) and not raw:
            fix = (fix + " " if fix else "") + BOOL_HINT
        self.problems.append(Problem(where, expected, got, fix, self.feature, key))

    def canon(self, key: str, value: Any, fn: Callable[[Any], Any], fix: str = "", default: Any = None) -> Any:
        """Return ``fn(value)``; on failure record a problem and return ``default``."""
        try:
            return fn(value)
        except _Invalid as exc:
            hint = did_you_mean(value, _spellings(exc.expected)) if isinstance(value, str) else ""
            self.add(key, exc.expected, value, (hint.strip() + " " + (fix or exc.fix)).strip())
            return default

    def unknown_keys(self, given: Iterable[str], allowed: Iterable[str], what: str,
                     also_known: Iterable[str] = ()) -> None:
        allowed = list(allowed)
        known = set(allowed) | set(also_known)
        for k in given:
            if k not in known:
                self.add(
                    str(k),
                    f"one of the keys of {what}: {', '.join(allowed)}",
                    k,
                    (did_you_mean(k, allowed).strip() + " Remove or rename the key.").strip(),
                )

    def raise_if_any(self) -> None:
        if self.problems:
            raise SpecError(self.problems)


def _spellings(expected: str) -> list[str]:
    import re

    return re.findall(r"'([^']+)'", expected)
