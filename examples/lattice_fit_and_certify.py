"""Fit a constrained TensorFlow Lattice model on bundled Heart data and certify it.

``model="auto"`` (the default) picks the model type: on Heart's 242 training rows and 13
features, the calibrated linear model (``model_type_ == "linear"``).

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
print(f"LatticeClassifier (model_type_={model.model_type_!r}: chosen by model='auto'), test accuracy {acc:.3f}")
print(priorml.certify(model, X.loc[train]))
