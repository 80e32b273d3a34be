from sklearn.utils.estimator_checks import parametrize_with_checks
from priorml import LatticeClassifier, LatticeRegressor

FAST = dict(epochs=5, validation_fraction=0.0, model="linear")

@parametrize_with_checks([LatticeRegressor(**FAST), LatticeClassifier(**FAST)])
def test_sklearn_compatible(estimator, check):
    check(estimator)
