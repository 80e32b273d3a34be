"""Validation reports: one self-contained HTML file (or Markdown, or JSON) for a model reviewer.

:func:`build_report` gathers, for one spec, data set and fitted model: the
spec in plain words (one sentence per constraint), the certificate of every
constraint (:func:`priorml.certify`), held-out performance next to
unconstrained baselines, each feature's learned effect with the data behind
it (partial residuals, credible bands for Bayesian fits), the comparison with
baselines and the learning curve (:func:`priorml.compare`,
:func:`priorml.learning_curve`), the assumption verdicts with their evidence
(:func:`priorml.check_assumptions`), sampler diagnostics, the drift history
(:class:`priorml.DriftMonitor`) and provenance (versions, data and spec
hashes, date, command).

The HTML file embeds its figures (base64 PNG) and CSS and references no URL,
so it opens offline. matplotlib is imported only when a report is built.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from ._collect import Report, collect_report, holdout_split
from ._words import Statement, describe_spec

__all__ = ["build_report", "Report", "collect_report", "render", "describe_spec", "Statement", "holdout_split"]

FORMATS = ("html", "markdown", "json")


def render(report: Report | dict, format: Literal["html", "markdown", "json"] = "html") -> str:
    """Render a collected report.

    Parameters
    ----------
    report : Report or dict
        From :func:`collect_report` (or its ``to_dict()``, e.g. read back from JSON).
    format : {'html', 'markdown', 'json'}

    Returns
    -------
    str
        The document.

    Raises
    ------
    SpecError
        For an unknown format.
    """
    from ..errors import Problem, SpecError

    data = report.to_dict() if isinstance(report, Report) else report
    if format == "html":
        from ._html import render_html

        return render_html(data)
    if format == "markdown":
        from ._markdown import render_markdown

        return render_markdown(data)
    if format == "json":
        return json.dumps(data, indent=2, allow_nan=False) + "\n"
    raise SpecError([Problem("format", "'html', 'markdown' or 'json'", repr(format))])


def build_report(spec: Any, X: Any, y: Any, *, model: Any = None, backend: Literal["lattice", "bayes"] = "lattice",
                 model_params: dict | None = None, X_test: Any = None, y_test: Any = None, baselines: Any = True,
                 comparison: Any = None, learning_curve: Any = None, assumptions: Any = None, drift: Any = None,
                 certificate: Any = None, format: Literal["html", "markdown", "json"] = "html",
                 path: str | os.PathLike | None = None, data_path: str | None = None, command: str | None = None,
                 title: str | None = None, random_state: int = 0) -> str:
    """Build a validation report for a constrained model.

    Parameters
    ----------
    spec : Spec, dict or path
        The constraint spec (when ``model`` is given, the model's own fitted
        spec is reported).
    X, y : data
        The training rows: effects, certificate and partial residuals are
        drawn on them.
    model : fitted priorml estimator or None
        The model to report on. ``None``: one is fitted on ``X, y`` with
        ``backend`` and ``model_params``.
    backend : {'lattice', 'bayes'}
        Backend of the model fitted when ``model`` is None.
    model_params : dict or None
        Estimator parameters for that fit (e.g. ``{"epochs": 100}``).
    X_test, y_test : data or None
        Held-out rows, used once for the held-out metrics of the model and of
        unconstrained baselines fitted on ``X, y``.
    baselines : bool or list of str
        Baselines of the held-out table (names of
        :func:`priorml.audit.compare.build_models`); ``True``: random forest and
        linear; ``False``: none.
    comparison, learning_curve, assumptions, drift : result or dict or None
        Results of :func:`priorml.compare`, :func:`priorml.learning_curve`,
        :func:`priorml.check_assumptions` and a :class:`priorml.DriftMonitor`
        (the objects, or their ``to_dict()`` e.g. saved by the command line).
        A section whose result is not given says so and how to produce it.
    certificate : Certificate or None
        ``None``: :func:`priorml.certify` is run on ``X``.
    format : {'html', 'markdown', 'json'}
        ``html``: one self-contained file; ``markdown``: text and tables;
        ``json``: all the data of the report.
    path : str or path-like or None
        Also write the document there (UTF-8), creating missing parent
        folders; a folder is refused before anything is fitted.
    data_path : str or None
        The data file, named in the provenance with its SHA-256.
    command : str or None
        The command that produced the report (provenance).
    title : str or None
        Default: "Validation report: <spec name or target> model".
    random_state : int
        Seed of the model fitted here, of the certificate's reference rows and
        of the points drawn.

    Returns
    -------
    str
        The document.

    Raises
    ------
    SpecError
        For an invalid spec, data, format or path (before anything is fitted
        for the format and the path).

    Examples
    --------
    >>> import priorml
    >>> from priorml.report import build_report
    >>> df = priorml.datasets.load_auto_mpg()
    >>> spec = priorml.Spec.from_yaml(priorml.datasets.spec_path("auto_mpg"))
    >>> html = build_report(spec, df, df["mpg"], model_params={"model": "linear", "epochs": 30})  # doctest: +SKIP
    >>> open("report.html", "w").write(html)  # doctest: +SKIP
    """
    from ..errors import Problem, SpecError

    if format not in FORMATS:
        raise SpecError([Problem("format", "'html', 'markdown' or 'json'", repr(format),
                                 "html for people, markdown or json for pipelines.")])
    if path is not None and Path(path).is_dir():  # refused before anything is fitted, not after
        suffix = {"html": "html", "markdown": "md", "json": "json"}[format]
        raise SpecError([Problem("path", "the file to write the report to", f"{str(path)!r}, a directory",
                                 f"For example {str(Path(path) / ('report.' + suffix))!r}.")])
    report = collect_report(spec, X, y, model=model, backend=backend, model_params=model_params, X_test=X_test,
                            y_test=y_test, baselines=baselines, comparison=comparison, learning_curve=learning_curve,
                            assumptions=assumptions, drift=drift, certificate=certificate, data_path=data_path,
                            command=command, title=title, random_state=random_state)
    text = render(report, format)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)  # as the command line does
        Path(path).write_text(text, encoding="utf-8")
    return text
