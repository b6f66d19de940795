"""RetinaFace prior (anchor) boxes for a square input."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class PriorSpec:
    """Anchor layout of a RetinaFace head: per stride, the anchor sizes (input px)."""

    steps: tuple[int, ...] = (8, 16, 32)
    min_sizes: tuple[tuple[int, ...], ...] = ((16, 32), (64, 128), (256, 512))
    variances: tuple[float, float] = (0.1, 0.2)

    def __post_init__(self) -> None:
        if len(self.steps) != len(self.min_sizes):
            raise ValueError("one list of anchor sizes per stride is needed")

    @classmethod
    def from_parameters(cls, params: Mapping[str, str]) -> PriorSpec:
        """From config parameters `prior_steps` ("8,16,32"), `prior_min_sizes` ("16,32;64,128;256,512"),
        `variances` ("0.1,0.2")."""
        default = cls()
        steps = tuple(int(v) for v in params["prior_steps"].split(",")) if "prior_steps" in params else default.steps
        min_sizes = (tuple(tuple(int(v) for v in group.split(",")) for group in params["prior_min_sizes"].split(";"))
                     if "prior_min_sizes" in params else default.min_sizes)
        variances = (tuple(float(v) for v in params["variances"].split(","))
                     if "variances" in params else default.variances)
        if len(variances) != 2:
            raise ValueError(f"variances must be two numbers, got {variances}")
        return cls(steps, min_sizes, variances)  # type: ignore[arg-type]


@lru_cache(maxsize=16)
def prior_boxes(spec: PriorSpec, size: int) -> np.ndarray:
    """(P, 4) anchors (cx, cy, w, h) in input pixels for an S x S input: strides in order,
    cells row-major (y outer, x inner), anchor sizes innermost. Read-only (cached)."""
    parts = []
    for step, sizes in zip(spec.steps, spec.min_sizes):
        cells = -(-size // step)  # ceil
        ys, xs = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
        centres = (np.stack([xs.ravel(), ys.ravel()], axis=1) + 0.5) * step
        per_cell = np.empty((cells * cells, len(sizes), 4), dtype=np.float32)
        per_cell[:, :, :2] = centres[:, None, :]
        per_cell[:, :, 2:] = np.asarray(sizes, dtype=np.float32)[None, :, None]
        parts.append(per_cell.reshape(-1, 4))
    priors = np.concatenate(parts)
    priors.flags.writeable = False
    return priors
