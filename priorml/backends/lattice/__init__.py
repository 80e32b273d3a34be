"""TensorFlow Lattice backend: the only place that imports tensorflow*.

TensorFlow itself is imported lazily (on first build), so importing this
package is cheap.
"""

from .compiler import MODEL_TYPES, Plan, build_model, choose_model_type, plan_model, verify_plan, verify_spec
from .program import LatticeProgram, TrainConfig

__all__ = ["MODEL_TYPES", "Plan", "build_model", "choose_model_type", "plan_model", "verify_plan", "verify_spec",
           "LatticeProgram", "TrainConfig"]
