"""priorml: modelling with little data and a lot of domain knowledge.

Write what you know about a tabular problem once, as a :class:`Spec`, and fit
it with TensorFlow Lattice (:class:`LatticeRegressor`, :class:`LatticeClassifier`)
or PyMC (:class:`BayesianRegressor`, :class:`BayesianClassifier`); :func:`certify` checks every declared constraint on the fitted model.

Importing priorml is light: scikit-learn, pandas, TensorFlow and PyMC are
imported only when an estimator or an audit function is first used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import (BackendUnavailableError, ConstraintWarning, DataError, DataWarning, ModelFormatError,
                     PriorMLError, SamplerWarning, SpecError)
from .spec import (CategoricalFeature, Dominance, EffectPrior, InterceptPrior, NoisePrior, NumericFeature, Output,
                   Priors, Spec, Trust)

__version__ = "0.1.0"

_LAZY = {
    "LatticeRegressor": "priorml.estimators.lattice",
    "LatticeClassifier": "priorml.estimators.lattice",
    "BayesianRegressor": "priorml.estimators.bayes",
    "BayesianClassifier": "priorml.estimators.bayes",
    "certify": "priorml.audit.certify",
    "Certificate": "priorml.audit.certify",
    "load": "priorml.persistence",
    "compare": "priorml.audit.compare",
    "Comparison": "priorml.audit.compare",
    "learning_curve": "priorml.audit.compare",
    "LearningCurve": "priorml.audit.compare",
    "check_assumptions": "priorml.audit.assumptions",
    "AssumptionReport": "priorml.audit.assumptions",
    "DriftMonitor": "priorml.audit.drift",
    "DriftStatus": "priorml.audit.drift",
    "datasets": "priorml.datasets",
}

__all__ = [
    "Spec", "NumericFeature", "CategoricalFeature", "Output", "Trust", "Dominance", "Priors", "EffectPrior",
    "NoisePrior", "InterceptPrior", "PriorMLError", "SpecError", "DataError", "BackendUnavailableError",
    "ModelFormatError", "ConstraintWarning", "SamplerWarning", "DataWarning", "__version__", *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        value = module if name == "datasets" else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'priorml' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
