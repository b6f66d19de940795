"""Numerical checks of a converted model: against the original runtime, and batch against single runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

RELATIVE_TOLERANCE = 1e-3  # of the reference output's largest magnitude
ABSOLUTE_FLOOR = 1e-5

Outputs = dict[str, np.ndarray]


class CheckFailed(RuntimeError):
    """A converted model disagrees with its reference beyond the tolerance."""


@dataclass(frozen=True)
class Comparison:
    output: str
    max_abs_diff: float
    scale: float  # largest |reference| value
    tolerance: float

    @property
    def ok(self) -> bool:
        return self.max_abs_diff <= self.tolerance

    def to_dict(self) -> dict:
        return asdict(self)


def compare(outputs: Outputs, reference: Outputs) -> list[Comparison]:
    """Max abs difference per reference output; tolerance = 1e-3 x the output's scale."""
    results = []
    for name, expected in reference.items():
        got = outputs[name]
        if got.shape != expected.shape:
            raise CheckFailed(f"{name}: shape {got.shape} != reference {expected.shape}")
        scale = float(np.abs(expected).max())
        results.append(Comparison(name, float(np.abs(got - expected).max()), scale,
                                  max(RELATIVE_TOLERANCE * scale, ABSOLUTE_FLOOR)))
    return results


def batch_vs_single(run: Callable[[np.ndarray], Outputs], inputs: np.ndarray) -> list[Comparison]:
    """Run `inputs` as one batch and image by image; a hard-coded batch shows up here."""
    batched = run(inputs)
    singles = [run(inputs[i:i + 1]) for i in range(len(inputs))]
    stacked = {name: np.concatenate([single[name] for single in singles]) for name in singles[0]}
    return compare(batched, stacked)


def require(comparisons: list[Comparison], what: str) -> None:
    failed = [c for c in comparisons if not c.ok]
    if failed:
        detail = ", ".join(f"{c.output}: {c.max_abs_diff:.3g} > {c.tolerance:.3g}" for c in failed)
        raise CheckFailed(f"{what}: {detail}")


def summary(comparisons: list[Comparison]) -> dict[str, float]:
    """Worst difference per output name over all comparisons."""
    worst: dict[str, float] = {}
    for c in comparisons:
        worst[c.output] = max(worst.get(c.output, 0.0), c.max_abs_diff)
    return worst
