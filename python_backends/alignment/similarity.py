"""Least-squares similarity transform between point sets (Umeyama 1991)."""

from __future__ import annotations

import numpy as np

from python_backends.alignment.affine import Affine


def estimate_similarity(src: np.ndarray, dst: np.ndarray) -> Affine:
    """Scale, rotation (no reflection) and translation minimising the squared error src -> dst.

    Both are [N, 2] with N >= 2 distinct points.
    """
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    if src.ndim != 2 or src.shape[1] != 2 or src.shape != dst.shape or len(src) < 2:
        raise ValueError(f"need two matching [N>=2, 2] point sets, got {src.shape} and {dst.shape}")
    if not (np.all(np.isfinite(src)) and np.all(np.isfinite(dst))):
        raise ValueError("points must be finite")
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    src_var = (src_c**2).sum() / len(src)
    if src_var <= 1e-12:
        raise ValueError("source points coincide")
    covariance = dst_c.T @ src_c / len(src)
    u, singular, vt = np.linalg.svd(covariance)
    sign = np.diag([1.0, np.sign(np.linalg.det(u) * np.linalg.det(vt)) or 1.0])
    rotation = u @ sign @ vt
    scale = float((singular * np.diag(sign)).sum() / src_var)
    translation = dst_mean - scale * rotation @ src_mean
    return Affine(np.hstack([scale * rotation, translation[:, None]]))
