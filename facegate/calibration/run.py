"""`facegate calibrate [--server HOST:PORT] [--margin M] [--json]`: score every genuine and impostor pair
of the real test assets through the embed ensemble and print the operating point.

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

from facegate.calibration.samples import CLIPS, GROUP_PHOTOS, PHOTOS, ClipPlan, Sample, clip_samples, \
    labelled_pairs, photo_samples
from facegate.calibration.scoring import THRESHOLD_RULE, OperatingPoint, operating_point
from facegate_client import ModelsClient

_CHUNK = 16  # images per request, within the ensembles' batch limit


@dataclass(frozen=True)
class CalibrationSet:
    photos: dict[str, str] = field(default_factory=lambda: dict(PHOTOS))
    groups: dict[str, int] = field(default_factory=lambda: dict(GROUP_PHOTOS))
    clips: tuple[ClipPlan, ...] = CLIPS


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


def _detect(client: ModelsClient, images: Sequence[bytes]):
    return [faces for start in range(0, len(images), _CHUNK) for faces in client.detect(images[start:start + _CHUNK])]


def _face_centers(client: ModelsClient, images: Sequence[bytes]) -> list[float | None]:
    return [(faces[0].box[0] + faces[0].box[2]) / 2 if faces else None for faces in _detect(client, images)]


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


def calibrate(client: ModelsClient, chosen: CalibrationSet = CalibrationSet(), margin: float = 0.05,
              listed: int = 5) -> Calibration:
    samples = photo_samples(chosen.photos, chosen.groups)
    for plan in chosen.clips:
        samples += clip_samples(plan, lambda images: _face_centers(client, images))
    kept, vectors = embed_samples(client, samples, set(chosen.groups))
    similarity = vectors @ vectors.T
    scored = {kind: [ScoredPair(kept[i].label, kept[j].label, "-".join(sorted((kept[i].kind.value, kept[j].kind.value))),
                                float(similarity[i, j])) for i, j in pairs]
              for kind, pairs in labelled_pairs(kept).items()}
    genuine = sorted(scored["genuine"], key=lambda p: p.score)
    impostor = sorted(scored["impostor"], key=lambda p: -p.score)
    grouped: dict[str, list[float]] = defaultdict(list)
    for kind, pairs in scored.items():
        for pair in pairs:
            grouped[f"{kind} {pair.kinds}"].append(pair.score)
    return Calibration(
        point=operating_point([p.score for p in genuine], [p.score for p in impostor], margin),
        samples=len(kept),
        identities=len({s.identity for s in kept}),
        without_face=[s.source for s in samples if s not in kept],
        by_kind={name: (len(v), round(min(v), 3), round(float(np.median(v)), 3), round(max(v), 3))
                 for name, v in sorted(grouped.items())},
        lowest_genuine=genuine[:listed],
        highest_impostor=impostor[:listed],
    )


def report(result: Calibration) -> str:
    p = result.point
    lines = [
        f"samples {result.samples} ({result.identities} identities); no face found in: "
        f"{', '.join(result.without_face) or 'none'}",
        "pairs (count: min / median / max score):",
        *(f"  {name:<24} {n:5d}: {low:+.3f} / {mid:+.3f} / {high:+.3f}"
          for name, (n, low, mid, high) in result.by_kind.items()),
        f"threshold {p.threshold:.2f}: {THRESHOLD_RULE} (margin {p.margin})",
        f"false matches {p.false_matches}/{p.impostor_pairs} (FMR {p.fmr:.4f}, 95 % upper bound {p.fmr_upper_95:.4f})",
        f"false non-matches {p.false_non_matches}/{p.genuine_pairs} (FNMR {p.fnmr:.4f}, "
        f"95 % upper bound {p.fnmr_upper_95:.4f})",
        f"equal error rate {p.eer:.4f} at {p.eer_threshold:.3f}",
        "pairs from one clip are correlated: the effective sample size is far below the pair count",
        "lowest genuine:   " + "; ".join(f"{q.a} vs {q.b} {q.score:.3f}" for q in result.lowest_genuine),
        "highest impostor: " + "; ".join(f"{q.a} vs {q.b} {q.score:.3f}" for q in result.highest_impostor),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="facegate calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="gRPC HOST:PORT of a running facegate server (default: start one)")
    parser.add_argument("--margin", type=float, default=0.05, help="added to the highest impostor score")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.server:
        result = _calibrate_at(args.server, args.margin)
    else:
        from facegate.server import ServerConfig, running_server
        from facegate.server.keyring_file import temporary_keyring_file
        from facegate.server.ports import free_ports

        grpc_port, http_port, metrics_port = free_ports(3)
        with temporary_keyring_file() as keyring_file:
            config = ServerConfig(grpc_port=grpc_port, http_port=http_port, metrics_port=metrics_port,
                                  address="127.0.0.1", keyring_file=keyring_file)
            with running_server(config) as server:
                result = _calibrate_at(server.grpc_url, args.margin)
    if args.json:
        print(json.dumps({**asdict(result), "point": {**asdict(result.point), "fmr": result.point.fmr,
                                                      "fnmr": result.point.fnmr, "rule": THRESHOLD_RULE}}))
    else:
        print(report(result))
    return 0


def _calibrate_at(url: str, margin: float) -> Calibration:
    with ModelsClient(url) as client:
        return calibrate(client, margin=margin)


if __name__ == "__main__":
    sys.exit(main())
