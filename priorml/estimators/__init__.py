"""scikit-learn estimators: they validate the spec and call a backend, nothing more."""

from .lattice import LatticeClassifier, LatticeRegressor

__all__ = ["LatticeRegressor", "LatticeClassifier"]
