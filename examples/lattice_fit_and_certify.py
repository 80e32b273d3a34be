"""Fit a constrained lattice model on bundled Heart data and certify it.

Run: python examples/lattice_fit_and_certify.py
"""

import numpy as np

import priorml
from priorml import datasets

spec = priorml.Spec.from_yaml(datasets.spec_path("heart"))
df = datasets.load_heart()
train, test = datasets.load_split("heart")
X, y = df[list(spec.feature_names)], df[spec.target]

model = priorml.LatticeClassifier(spec, random_state=0).fit(X.loc[train], y.loc[train])
acc = float(np.mean(model.predict(X.loc[test]) == y.loc[test]))
print(f"{model.model_type_} lattice, test accuracy {acc:.3f}")
print(priorml.certify(model, X.loc[train]))
