"""2-D affine transforms as 2x3 matrices mapping source (x, y) to destination (x, y)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Affine:
    """`dst = matrix[:, :2] @ src + matrix[:, 2]` for points given as (x, y) pixels."""

    matrix: np.ndarray  # float64 [2, 3]

    def __post_init__(self) -> None:
        matrix = np.asarray(self.matrix, dtype=np.float64)
        if matrix.shape != (2, 3) or not np.all(np.isfinite(matrix)):
            raise ValueError(f"an affine transform is a finite 2x3 matrix, got {matrix.shape}")
        object.__setattr__(self, "matrix", matrix)

    @staticmethod
    def similarity(scale: float, angle: float, translation: tuple[float, float]) -> Affine:
        """Scale, then rotate by `angle` radians (clockwise on screen, as y points down), then translate."""
        cos, sin = scale * np.cos(angle), scale * np.sin(angle)
        return Affine(np.array([[cos, -sin, translation[0]], [sin, cos, translation[1]]]))

    def apply(self, points: np.ndarray) -> np.ndarray:
        """Map points [..., 2]; extra trailing coordinates are not allowed."""
        points = np.asarray(points, dtype=np.float64)
        return points @ self.matrix[:, :2].T + self.matrix[:, 2]

    def inverse(self) -> Affine:
        """In closed form: np.linalg.inv's LAPACK call cost ~4x as much (profiled), and a clip's
        screening places crops on ~70 frames."""
        (a, b, _), (c, d, _) = self.matrix
        determinant = a * d - b * c
        if determinant == 0:
            raise np.linalg.LinAlgError("Singular matrix")
        linear = np.array([[d, -b], [-c, a]]) / determinant
        return Affine(np.hstack([linear, -linear @ self.matrix[:, 2:]]))

    @property
    def scale(self) -> float:
        """Geometric-mean scale factor (exact for similarities)."""
        return float(np.sqrt(abs(np.linalg.det(self.matrix[:, :2]))))
