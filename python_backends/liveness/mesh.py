"""MediaPipe 468-point face mesh: parsing the landmarker output and the indices used here.

"Left"/"right" are the subject's own: the subject's left eye is on the image's right.
"""

from __future__ import annotations

import numpy as np

NUM_POINTS = 468

# Standard 6-point eye contours (p1 outer corner, p2, p3 upper lid, p4 inner corner, p5, p6 lower lid).
LEFT_EYE = (263, 387, 385, 362, 380, 373)
RIGHT_EYE = (33, 160, 158, 133, 153, 144)

# Symmetric pairs (subject's right point, subject's left point) spanning the face horizontally,
# and (upper, lower) midline pairs spanning it vertically.
HORIZONTAL_PAIRS = ((234, 454), (127, 356), (33, 263), (133, 362), (61, 291), (58, 288))
VERTICAL_PAIRS = ((10, 152), (151, 199), (9, 200))


def parse_landmarks(flat: np.ndarray) -> np.ndarray:
    """Landmarker output [1404] -> [468, 3] (x, y, z in crop pixels; smaller z = nearer the camera)."""
    flat = np.asarray(flat, dtype=np.float64).reshape(-1)
    if flat.size != NUM_POINTS * 3:
        raise ValueError(f"expected {NUM_POINTS * 3} landmark values, got {flat.size}")
    return flat.reshape(NUM_POINTS, 3)
