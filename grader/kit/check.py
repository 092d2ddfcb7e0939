"""The `check` decorator: what makes a pytest test a graded check."""
from __future__ import annotations

import pytest

from ..harness.users import real_time_stretch


def check(exercise: str, key: str, title: str, timeout: float = 60):
    """Marks a pytest test as a graded check. `title` is marked with N_() and
    translated when shown; the points come from the rubric. `timeout` is the
    last guard (pytest-timeout): the harness's own limits come first."""
    def mark(fn):
        fn = pytest.mark.check(exercise=exercise, key=key, title=title)(fn)
        return pytest.mark.timeout(timeout * real_time_stretch())(fn)
    return mark
