"""scikit-learn estimators: they validate the spec and call a backend, nothing more."""

from .bayes import BayesianClassifier, BayesianRegressor
from .lattice import LatticeClassifier, LatticeRegressor

__all__ = ["LatticeRegressor", "LatticeClassifier", "BayesianRegressor", "BayesianClassifier"]
