"""`facegate calibrate [--server HOST:PORT] [--target-fmr F] [--json]`: score every genuine and impostor
pair of the real test assets (ORL ID-chip stress set included) through the embed ensemble and print the
operating point.

Without --server it starts the real server on free loopback ports (models built by
`facegate models build`). Scores are single-image cosine similarities (verify matches the ID face
against the mean of the clip's 3 most frontal frames, which can only be steadier).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from facegate.calibration.samples import CLIPS, GROUP_PHOTOS, PHOTOS, ClipPlan, OrlPlan, Sample, clip_samples, \
    labelled_pairs, orl_samples, photo_samples
from facegate.calibration.scoring import PER_KIND_RULE, THRESHOLD_RULE, OperatingPoint, fnmr_at_fmr, operating_point
from facegate_client import ModelsClient

_CHUNK = 16  # images per request, within the ensembles' batch limit


@dataclass(frozen=True)
class CalibrationSet:
    photos: dict[str, str] = field(default_factory=lambda: dict(PHOTOS))
    groups: dict[str, int] = field(default_factory=lambda: dict(GROUP_PHOTOS))
    clips: tuple[ClipPlan, ...] = CLIPS
    orl: OrlPlan | None = OrlPlan()


@dataclass(frozen=True)
class ScoredPair:
    a: str
    b: str
    kinds: str  # e.g. "chip-frame"
    score: float


@dataclass(frozen=True)
class Calibration:
    point: OperatingPoint
    samples: int
    identities: int
    without_face: list[str]  # samples dropped: no face found
    by_kind: dict[str, tuple[int, float, float, float]]  # "genuine chip-frame": (pairs, min, median, max score)
    lowest_genuine: list[ScoredPair]
    highest_impostor: list[ScoredPair]
    # "chip-photo" -> [(target FMR, threshold, FNMR, false non-matches, genuine pairs, false matches, impostor pairs)]
    fnmr_at: dict[str, list[tuple[float, float, float, int, int, int, int]]]
    scores: dict[str, np.ndarray] = field(repr=False, default_factory=dict)  # "genuine chip-photo" -> scores


FMR_TARGETS = (1e-2, 1e-3, 1e-4)


def _detect(client: ModelsClient, images: Sequence[bytes]):
    return [faces for start in range(0, len(images), _CHUNK) for faces in client.detect(images[start:start + _CHUNK])]


def _face_centers(client: ModelsClient, images: Sequence[bytes]) -> list[float | None]:
    return [(faces[0].box[0] + faces[0].box[2]) / 2 if faces else None for faces in _detect(client, images)]


def _eye_distances(client: ModelsClient, images: Sequence[bytes]) -> list[float | None]:
    return [float(np.linalg.norm(faces[0].landmarks[0] - faces[0].landmarks[1])) if faces else None
            for faces in _detect(client, images)]


def _landmarks(faces, rank: int, group: bool) -> np.ndarray | None:
    """The face a sample means: the rank-th from the left in a group photo, else the largest."""
    if len(faces) <= rank:
        return None
    if group:
        return sorted(faces, key=lambda f: f.box[0])[rank].landmarks
    return max(faces, key=lambda f: (f.box[2] - f.box[0]) * (f.box[3] - f.box[1])).landmarks


def embed_samples(client: ModelsClient, samples: list[Sample], groups: set[str]) -> tuple[list[Sample], np.ndarray]:
    """The samples with a face, and their unit embeddings (rows)."""
    found = _detect(client, [s.image for s in samples])
    marks = [_landmarks(faces, s.face_rank, s.source in groups) for s, faces in zip(samples, found)]
    kept = [(s, m) for s, m in zip(samples, marks) if m is not None]
    vectors = [client.embed([s.image for s, _ in kept[i:i + _CHUNK]], [m for _, m in kept[i:i + _CHUNK]])
               for i in range(0, len(kept), _CHUNK)]
    return [s for s, _ in kept], np.concatenate(vectors)


def calibrate(client: ModelsClient, chosen: CalibrationSet = CalibrationSet(), target_fmr: float = 1e-3,
              listed: int = 5) -> Calibration:
    samples = photo_samples(chosen.photos, chosen.groups)
    for plan in chosen.clips:
        samples += clip_samples(plan, lambda images: _face_centers(client, images))
    if chosen.orl is not None:
        samples += orl_samples(chosen.orl, lambda images: _eye_distances(client, images))
    kept, vectors = embed_samples(client, samples, set(chosen.groups))
    similarity = vectors @ vectors.T
    scores: dict[str, dict[str, list[tuple[int, int]]]] = {"genuine": defaultdict(list), "impostor": defaultdict(list)}
    for kind, pairs in labelled_pairs(kept).items():
        for i, j in pairs:
            scores[kind]["-".join(sorted((kept[i].kind.value, kept[j].kind.value)))].append((i, j))
    values = {kind: {kinds: similarity[tuple(np.array(pairs).T)] for kinds, pairs in by.items()}
              for kind, by in scores.items()}
    genuine = np.concatenate(list(values["genuine"].values()))
    impostor = np.concatenate(list(values["impostor"].values()))

    def extreme(kind: str, lowest: bool) -> list[ScoredPair]:
        ranked = sorted(((float(v), kinds, pair) for kinds, by in values[kind].items()
                         for v, pair in zip(by, scores[kind][kinds])), reverse=not lowest)[:listed]
        return [ScoredPair(kept[i].label, kept[j].label, kinds, v) for v, kinds, (i, j) in ranked]

    fnmr_at = {}
    for kinds, matched in values["genuine"].items():
        if kinds in values["impostor"]:
            others = values["impostor"][kinds]
            rows = []
            for fmr in FMR_TARGETS:
                threshold, rate, misses, false_matches = fnmr_at_fmr(matched, others, fmr)
                rows.append((fmr, threshold, rate, misses, len(matched), false_matches, len(others)))
            fnmr_at[kinds] = rows
    return Calibration(
        point=operating_point(genuine, impostor, target_fmr),
        samples=len(kept),
        identities=len({s.identity for s in kept}),
        without_face=[s.source for s in samples if s not in kept],
        by_kind={f"{kind} {kinds}": (len(v), round(float(v.min()), 3), round(float(np.median(v)), 3),
                                     round(float(v.max()), 3))
                 for kind, by in values.items() for kinds, v in sorted(by.items())},
        lowest_genuine=extreme("genuine", lowest=True),
        highest_impostor=extreme("impostor", lowest=False),
        fnmr_at=fnmr_at,
        scores={f"{kind} {kinds}": v for kind, by in values.items() for kinds, v in by.items()},
    )


def report(result: Calibration) -> str:
    p = result.point
    lines = [
        f"samples {result.samples} ({result.identities} identities); no face found in: "
        f"{', '.join(result.without_face) or 'none'}",
        "pairs (count: min / median / max score):",
        *(f"  {name:<24} {n:5d}: {low:+.3f} / {mid:+.3f} / {high:+.3f}"
          for name, (n, low, mid, high) in result.by_kind.items()),
        f"threshold {p.threshold:.2f}: {THRESHOLD_RULE} (target FMR {p.target_fmr:g})",
        f"false matches {p.false_matches}/{p.impostor_pairs} (FMR {p.fmr:.4f}, 95 % upper bound {p.fmr_upper_95:.4f})",
        f"false non-matches {p.false_non_matches}/{p.genuine_pairs} (FNMR {p.fnmr:.4f}, "
        f"95 % upper bound {p.fnmr_upper_95:.4f})",
        f"equal error rate {p.eer:.4f} at {p.eer_threshold:.3f}",
        "pairs from one clip are correlated: the effective sample size is far below the pair count",
        "lowest genuine:   " + "; ".join(f"{q.a} vs {q.b} {q.score:.3f}" for q in result.lowest_genuine),
        "highest impostor: " + "; ".join(f"{q.a} vs {q.b} {q.score:.3f}" for q in result.highest_impostor),
        f"FNMR at a target FMR, per pair kind (genuine and impostor pairs of that kind only; {PER_KIND_RULE}):",
        *(f"  {kinds:<12} FMR {fmr:g}: threshold {t:.2f}, FNMR {rate:.4f} ({misses}/{n}), "
          f"false matches {fm}/{m}" for kinds, rows in result.fnmr_at.items()
          for fmr, t, rate, misses, n, fm, m in rows),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="facegate calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="gRPC HOST:PORT of a running facegate server (default: start one)")
    parser.add_argument("--target-fmr", type=float, default=1e-3, help="false-match rate the threshold allows")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    from facegate.bench.local_server import models_client

    with models_client(args.server) as client:
        result = calibrate(client, target_fmr=args.target_fmr)
    if args.json:
        print(json.dumps({**asdict(result), "scores": None, "point": {**asdict(result.point), "fmr": result.point.fmr,
                                                      "fnmr": result.point.fnmr, "rule": THRESHOLD_RULE}}))
    else:
        print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
