"""The constraint spec: pure data (numpy/yaml only), no modelling framework."""

from .constraints import Dominance, Output, Trust
from .features import CategoricalFeature, NumericFeature
from .priors import EffectPrior, InterceptPrior, NoisePrior, Priors
from .spec import Spec

__all__ = [
    "Spec",
    "NumericFeature",
    "CategoricalFeature",
    "Output",
    "Trust",
    "Dominance",
    "Priors",
    "EffectPrior",
    "NoisePrior",
    "InterceptPrior",
]
