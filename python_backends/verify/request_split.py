"""How verify splits one call's images into concurrent ensemble requests (see triton_ensembles)."""

from __future__ import annotations

import numpy as np


def parts(count: int, split: int) -> list[slice]:
    """At most `split` contiguous slices covering `count` items, sizes differing by one at most (one slice
    when `count` is 0)."""
    if split < 1:
        raise ValueError(f"split must be >= 1, got {split}")
    bounds = np.linspace(0, count, max(1, min(split, count)) + 1).round().astype(int)
    return [slice(start, stop) for start, stop in zip(bounds[:-1], bounds[1:])]
