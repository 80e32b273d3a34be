"""The shared argument predicates: bools are never integers, NumPy scalars are welcome."""

import math

import numpy as np
import pytest

from priorml._args import common_problems, is_flag, is_int, is_probability, is_real


@pytest.mark.parametrize("value, minimum, maximum, ok", [
    (3, None, None, True), (np.int64(3), 1, 5, True), (0, 1, None, False), (6, 1, 5, False),
    (True, None, None, False), (np.bool_(True), None, None, False), (3.0, None, None, False), ("3", None, None, False),
])
def test_is_int(value, minimum, maximum, ok):
    assert is_int(value, minimum, maximum) is ok


@pytest.mark.parametrize("value, ok", [
    (0.5, True), (np.float32(0.9), True), (0, False), (1, False), (1.0, False), (-0.1, False),
    (math.nan, False), (True, False), ("0.5", False), (None, False),
])
def test_is_probability(value, ok):
    assert is_probability(value) is ok


def test_is_real_and_is_flag():
    assert is_real(2) and is_real(np.float64(-1.5)) and not is_real(math.inf) and not is_real(False)
    assert is_flag(True) and is_flag(np.bool_(False)) and not is_flag(1) and not is_flag("yes")


def test_common_problems_name_each_bad_argument():
    assert common_problems(0, None, True) == []
    assert common_problems(0, -1, False) == []
    assert [p.where for p in common_problems(-1, -1, False)] == ["random_state"]  # seeds are 0 .. 2**32 - 1
    found = common_problems(True, 0, "yes")
    assert [p.where for p in found] == ["random_state", "n_jobs", "progress"]
    assert "'yes'" in found[2].received
