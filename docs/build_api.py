"""Generate docs/api.md, the API reference, from the docstrings of priorml's public objects.

Run: .venv/bin/python docs/build_api.py          (writes docs/api.md)
     .venv/bin/python docs/build_api.py --check  (exit 1 when docs/api.md is out of date)

The reference lists every name in ``priorml.__all__`` (classes with their public methods and
properties), the dataset loaders, the report builder and the command line's ``--help`` texts.
The output is deterministic (sorted, no addresses, no dates), so a test can compare it with
the committed file.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import io
import re
import sys
import textwrap
from pathlib import Path

OUT = Path(__file__).with_name("api.md")

# (section title, module, names or None for the module's __all__)
SECTIONS = [
    ("Spec", "priorml", ["Spec", "NumericFeature", "CategoricalFeature", "Output", "Trust", "Dominance",
                         "Priors", "EffectPrior", "NoisePrior", "InterceptPrior"]),
    ("Estimators", "priorml", ["LatticeRegressor", "LatticeClassifier", "BayesianRegressor",
                               "BayesianClassifier"]),
    ("Certificates and saved models", "priorml", ["certify", "Certificate", "load"]),
    ("Checks against data: compare, assumptions, drift", "priorml",
     ["compare", "Comparison", "learning_curve", "LearningCurve", "check_assumptions", "AssumptionReport",
      "DriftMonitor", "DriftStatus"]),
    ("Validation report", "priorml.report", None),
    ("Datasets", "priorml.datasets", None),
    ("Errors and warnings", "priorml", ["PriorMLError", "SpecError", "DataError", "BackendUnavailableError",
                                        "ModelFormatError", "ConstraintWarning", "SamplerWarning", "DataWarning"]),
]

_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _signature(obj) -> str:
    try:
        sig = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"
    return _ADDRESS.sub("", sig)


def _doc(obj) -> str:
    doc = inspect.getdoc(obj)
    return doc.strip() if doc else "*(no docstring)*"


def _members(cls) -> list[tuple[str, object]]:
    # own and inherited members defined in priorml (not scikit-learn's or the standard library's)
    seen: dict[str, object] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("priorml"):
            seen.update(vars(klass))
    out = []
    for name, value in sorted(seen.items()):
        if name.startswith("_") and name not in ("__call__",):
            continue
        if isinstance(value, property) or inspect.isfunction(value) or isinstance(value, (classmethod,
                                                                                          staticmethod)):
            out.append((name, getattr(cls, name)))
    return out


def _render_object(name: str, obj, lines: list[str]) -> None:
    if inspect.isclass(obj):
        kind = "exception" if issubclass(obj, BaseException) else "class"
        lines.append(f"### `{name}{_signature(obj) if kind == 'class' else ''}`")
        lines.append(f"*{kind}* `{obj.__module__}.{obj.__qualname__}`\n")
        lines.append(_doc(obj) + "\n")
        if kind == "exception":
            return
        for member, value in _members(obj):
            if isinstance(inspect.getattr_static(obj, member), property):
                lines.append(f"#### `{name}.{member}` *(property)*\n")
            else:
                lines.append(f"#### `{name}.{member}{_signature(value)}`\n")
            doc = inspect.getdoc(value)
            if doc:
                lines.append(doc.strip() + "\n")
    elif callable(obj):
        lines.append(f"### `{name}{_signature(obj)}`")
        lines.append(f"*function* `{obj.__module__}.{obj.__qualname__}`\n")
        lines.append(_doc(obj) + "\n")


def _cli_help(lines: list[str]) -> None:
    try:
        cli = importlib.import_module("priorml.cli")
    except ImportError:
        return
    parser = cli.build_parser() if hasattr(cli, "build_parser") else None
    if parser is None:
        return
    lines.append("## Command line\n")
    lines.append("Installed as the `priorml` command. Exit codes: 0 ok, 1 checks failed with "
                 "`--fail-on-violation`, 2 bad usage or bad input.\n")
    texts = [("priorml", parser.format_help())]
    for action in parser._actions:  # the sub-commands
        if isinstance(action, argparse._SubParsersAction):
            for sub, subparser in sorted(action.choices.items()):
                texts.append((f"priorml {sub}", subparser.format_help()))
    for title, text in texts:
        lines.append(f"### `{title}`\n")
        lines.append("```\n" + text.rstrip() + "\n```\n")


def build() -> str:
    # a fixed terminal width keeps argparse's wrapping identical on every machine
    import os
    os.environ["COLUMNS"] = "100"
    lines = ["# priorml API reference", "",
             "Generated from the docstrings by `docs/build_api.py`; do not edit by hand.", ""]
    for title, module_name, names in SECTIONS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if names is None:
            names = sorted(getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")]))
        lines.append(f"## {title}\n")
        for name in names:
            try:
                obj = getattr(module, name)
            except (AttributeError, ImportError):
                continue
            if inspect.ismodule(obj):
                continue
            _render_object(name, obj, lines)
    with contextlib.redirect_stdout(io.StringIO()):
        _cli_help(lines)
    text = "\n".join(lines).rstrip() + "\n"
    return textwrap.dedent(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when docs/api.md is out of date")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print("docs/api.md is out of date: run `.venv/bin/python docs/build_api.py`", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
