"""Running the numeric libraries on one thread.

The engine's arrays are small (departments x months). Letting OpenMP (scikit-learn) and BLAS
threads compete for such small work makes it many times slower on a two-core machine, so the
engine limits them to one thread while it runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import sklearn.linear_model  # noqa: F401  (loads scikit-learn's OpenMP runtime before the snapshot)
from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


@contextmanager
def single_threaded() -> Iterator[None]:
    with _controller().limit(limits=1):
        yield
