"""PyMC backend: the only place that imports pymc/pytensor (lazily, when a model is built)."""

from .design import Term, make_terms
from .model import LIKELIHOODS, build_model, model_target, uses_sufficient_statistics, verify_spec
from .program import BayesProgram, stack_draws
from .sampling import METHODS, SAMPLERS, check_options, diagnose, sample

__all__ = ["Term", "make_terms", "LIKELIHOODS", "build_model", "model_target", "uses_sufficient_statistics", "verify_spec", "BayesProgram", "stack_draws",
           "METHODS", "SAMPLERS", "check_options", "diagnose", "sample"]
