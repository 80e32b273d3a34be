"""A validation report for a model reviewer: fit, certify, compare, check, write one HTML file.

Uses the bundled Heart data and its ready-made spec. The HTML file is self-contained
(figures embedded, no external link) and opens offline; the same content is available
as Markdown or JSON for pipelines.

Run: python examples/review_report.py
"""

import os
import tempfile
from pathlib import Path

import priorml
from priorml import datasets
from priorml.report import build_report

spec = priorml.Spec.from_yaml(datasets.spec_path("heart"))
df = datasets.load_heart()
train, test = datasets.load_split("heart")
X, y = df[list(spec.feature_names)], df[spec.target]
X_train, y_train, X_test, y_test = X.loc[train], y.loc[train], X.loc[test], y.loc[test]

model = priorml.LatticeClassifier(spec, model="linear", random_state=0).fit(X_train, y_train)
certificate = priorml.certify(model, X_train)
comparison = priorml.compare(spec, X_train, y_train, models=["lattice", "random_forest", "linear", "hgb_monotone"],
                             cv=3, lattice_params={"model": "linear"})
assumptions = priorml.check_assumptions(spec, X_train, y_train)
print(certificate)
print(comparison)
print(assumptions)

out = Path(os.environ.get("PRIORML_EXAMPLE_OUT") or tempfile.mkdtemp())
path = out / "heart_review.html"
build_report(spec, X_train, y_train, model=model, X_test=X_test, y_test=y_test, certificate=certificate,
             comparison=comparison, assumptions=assumptions, path=path,
             command="python examples/review_report.py")
build_report(spec, X_train, y_train, model=model, certificate=certificate, comparison=comparison,
             assumptions=assumptions, baselines=False, format="markdown", path=out / "heart_review.md")
print(f"report written to {path} ({path.stat().st_size // 1024} KiB); Markdown beside it")
