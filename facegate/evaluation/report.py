"""docs/accuracy.md and its plot from an Evaluation (every figure with its sample size)."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from facegate.calibration.scoring import PER_KIND_RULE, THRESHOLD_RULE, upper_bound_95
from facegate.evaluation import labels as clip_labels
from facegate.evaluation.run import BLURRED, HELD_OUT, TUNING_CLIPS, Evaluation


def _capture(measure) -> str:
    capture = measure.capture
    parts = [f"JPEG q{capture.quality}"]
    if capture.height:
        parts.append(f"{capture.height}p")
    if capture.blur_px:
        parts.append(f"blurred {capture.blur_px:g} px")
    return ", ".join(parts)


def _liveness(result: Evaluation) -> list[str]:
    lines = [
        "## Blinks and head turns against hand labels",
        "",
        "Each labelled window is cut into verify-sized clips (48 submitted frames, overlapping by half) at the",
        "frame rate shown, and each clip runs through verify's own detector (`analyse_motion`, the defaults of",
        "`DecisionConfig`). *found*: labelled events with a detected event of the same kind (and side) overlapping",
        "them; *false*: detected events overlapping no label (events inside a range the labeller marked ambiguous",
        "are counted apart). Thresholds were tuned on " + " and ".join(f"`{c}`" for c in TUNING_CLIPS) +
        "; every other clip is held out and only scores them. Served landmarker: the attention face mesh with",
        "refined eyes; the three landmarkers tried are compared on the same labelled blinks in MODELS.md.",
        "",
        "| clip | role | JPEG q | fps | frames | blinks found | false blinks | turns found | false turns | ambiguous |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    totals = defaultdict(lambda: np.zeros(6, int))
    for quality, s in result.actions:
        role = "tuning" if s.clip in TUNING_CLIPS else "held out"
        lines.append(f"| `{s.clip}` | {role} | {quality} | {s.fps:g} | {s.frames} | {s.blinks_found}/{s.blinks_labelled}"
                     f" | {s.blinks_false} | {s.turns_found}/{s.turns_labelled} | {s.turns_false} | {s.ambiguous_events} |")
        totals[role] += [s.blinks_found, s.blinks_labelled, s.blinks_false, s.turns_found, s.turns_labelled,
                         s.turns_false]
    lines += ["", "| role | blinks found | false blinks | turns found | false turns |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {role} | {t[0]}/{t[1]} | {t[2]} | {t[3]}/{t[4]} | {t[5]} |" for role, t in sorted(totals.items())]
    false = [(q, s.clip, s.fps, e) for q, s in result.actions for e in s.false_events]
    if false:
        lines += ["", "False detections: " + "; ".join(f"`{clip}` q{q} {fps:g} fps {e.action} {e.start}-{e.end}"
                                                       for q, clip, fps, e in false) + "."]
    lines += ["", "How each clip was labelled (from its label file):", ""]
    lines += [f"- `{asset}` (frames {lab.window[0]}-{lab.window[1] - 1}, {lab.fps:g} fps): {lab.method}"
              for asset in clip_labels.labelled_assets() for lab in [clip_labels.load(asset)]]
    return lines


def _spoof_and_quality(result: Evaluation) -> list[str]:
    config = result.config
    lines = [
        "## Passive anti-spoofing and quality gates on genuine clips",
        "",
        f"Per clip and capture: frames with exactly one face, median face size (px, shorter box side), median",
        f"sharpness (the gate's measure), the blur/size gate's outcome (face >= {config.min_frame_face_px:g} px, "
        f"sharpness >= {config.min_frame_sharpness:g}),",
        f"the anti-spoof score (0 live .. 1 spoof; frames above {config.spoof_threshold:g}), and whether",
        f"SPOOF_SUSPECTED would REJECT the clip by the score alone and with verify's policy (the score applies only",
        f"when the median sharpness is at least {config.spoof_min_sharpness:g}). Every clip here is genuine.",
        "",
        "| clip | capture | faces | face px | sharpness | gate | spoof median | spoof frames | REJECT by score | REJECT with policy |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    rejected = {False: 0, True: 0}
    for m in result.clips:
        n = len(m.single)
        by_score, by_policy = m.spoof_rejects(config, policy=False), m.spoof_rejects(config, policy=True)
        rejected[False] += by_score
        rejected[True] += by_policy
        lines.append(f"| `{m.clip}` | {_capture(m)} | {n}/{len(m.signals)} | {m.median('face_px'):.0f} | "
                     f"{m.median('sharpness'):.1f} | {m.gate(config)} | {m.median('spoof_score'):.3f} | "
                     f"{m.spoof_frames(config)}/{n} | {'yes' if by_score else 'no'} | {'yes' if by_policy else 'no'} |")
    genuine = [m for m in result.clips if m.capture.blur_px == 0]
    frames = sum(len(m.single) for m in genuine)
    spoof_frames = sum(m.spoof_frames(config) for m in genuine)
    lines += ["", f"Genuine frames scored spoof: {spoof_frames}/{frames} ({spoof_frames / max(frames, 1):.1%}); "
              f"clip measurements REJECTed by the score alone: {rejected[False]}/{len(result.clips)}, with verify's "
              f"policy: {rejected[True]}/{len(result.clips)}."]
    if len(genuine) < len(result.clips):
        lines[-1] += f" The `{BLURRED[0]}` clip blurred by {BLURRED[1]:g} px must fail the blur gate (its row above)."
    return lines


def _matching(result: Evaluation) -> list[str]:
    cal = result.calibration
    if cal is None:
        return []
    p = cal.point
    lines = [
        "## Face match",
        "",
        f"`facegate calibrate`'s pairs through the embed ensemble: {cal.samples} samples, {cal.identities} identities "
        f"(MobileFaceNet, the one embedder served; MODELS.md lists the embedders tried and rejected).",
        "ORL faces appear as photos and as ID-chip stress samples (downscaled to ~20 px between the eyes, JPEG q30).",
        "",
        "| pairs | n | min | median | max |",
        "| --- | --- | --- | --- | --- |",
        *(f"| {name} | {n} | {low:+.3f} | {mid:+.3f} | {high:+.3f} |" for name, (n, low, mid, high) in cal.by_kind.items()),
        "",
        f"FNMR at a target FMR, per pair kind (the threshold from that kind's impostors alone: {PER_KIND_RULE}):",
        "",
        "| pairs | target FMR | threshold | FNMR | false non-matches | false matches |",
        "| --- | --- | --- | --- | --- | --- |",
        *(f"| {kinds} | {fmr:g} | {t:.2f} | {rate:.2%} | {misses}/{n} | {fm}/{m} |"
          for kinds, rows in cal.fnmr_at.items() for fmr, t, rate, misses, n, fm, m in rows),
        "",
        f"Default threshold: {THRESHOLD_RULE}, target {p.target_fmr:g} over every impostor pair: **{p.threshold:.2f}**; "
        f"there {p.false_matches}/{p.impostor_pairs} false matches (95 % upper bound {p.fmr_upper_95:.4f}), "
        f"{p.false_non_matches}/{p.genuine_pairs} false non-matches (FNMR {p.fnmr:.2%}, 95 % upper bound "
        f"{p.fnmr_upper_95:.2%}); equal error rate {p.eer:.2%} at {p.eer_threshold:.3f}.",
    ]
    if result.held_out:
        h = result.held_out
        lines += ["", f"Held out: ORL people {HELD_OUT[1].start}-{HELD_OUT[1].stop - 1} alone ({h.genuine} genuine, "
                  f"{h.impostor} impostor pairs), scored at",
                  *(f"- {point.threshold:.2f}, {point.name}: {point.false_matches}/{h.impostor} false matches (FMR "
                    f"{point.false_matches / h.impostor:.4f}, 95 % upper bound "
                    f"{upper_bound_95(point.false_matches, h.impostor):.4f}), {point.false_non_matches}/{h.genuine} "
                    f"false non-matches (FNMR {point.false_non_matches / h.genuine:.2%})" for point in h.points)]
    lines += ["", "Pairs share people, sessions and cameras: the effective sample size is far below the pair counts."]
    return lines


def _plot(result: Evaluation, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
    ax = axes[0]
    for m in result.clips:
        if m.clip in ("webcam_video", "franck_video") and m.capture.quality >= 90 and not m.capture.blur_px:
            frames = np.array([s.frame for s in m.single])
            opening = np.array([s.eye_opening for s in m.single])
            ax.plot(frames - frames[0], opening / np.nanpercentile(opening, 80), lw=0.8, label=m.clip)
    ax.axhline(result.config.blink_close_fraction, color="k", ls="--", lw=0.8, label="blink close fraction")
    ax.set(title="eye opening / open-eye level (80th pct.)", xlabel="frame in labelled window", ylim=(0, 1.4))
    ax.legend(fontsize=7)
    ax = axes[1]
    for m in result.clips:
        if m.capture.quality in (90, 95) or m.capture.blur_px:
            ax.scatter([s.sharpness for s in m.single], [s.spoof_score for s in m.single], s=4,
                       label=f"{m.clip} {_capture(m)}")
    ax.axvline(result.config.spoof_min_sharpness, color="k", ls="--", lw=0.8)
    ax.axvline(result.config.min_frame_sharpness, color="r", ls=":", lw=0.8)
    ax.set(xscale="log", title="genuine frames: anti-spoof score vs sharpness", xlabel="sharpness (log)",
           ylabel="spoof score")
    ax.legend(fontsize=6)
    ax = axes[2]
    if result.calibration:
        for name, values in sorted(result.calibration.scores.items()):
            if len(values) > 200:
                ax.hist(values, bins=60, histtype="step", density=True, label=f"{name} (n={len(values)})")
        ax.axvline(result.config.match_threshold, color="k", ls="--", lw=0.8)
    ax.set(title="match scores", xlabel="cosine similarity")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_report(result: Evaluation, out: Path) -> None:
    lines = [
        "# Accuracy on real captures",
        "",
        "Written by `facegate evaluate` (`make evaluate`) from the served pipeline; do not edit by hand. The material",
        "(MODELS.md, *Evaluation material*) is fetched pinned into the cache and never committed; frames are",
        f"re-encoded in memory. Plot: [{out.with_suffix('.png').name}]({out.with_suffix('.png').name}).",
        *(["", f"**This run:** {result.note}"] if result.note else []),
        "",
        *_liveness(result),
        "",
        *_spoof_and_quality(result),
        "",
        *_matching(result),
    ]
    out.write_text("\n".join(lines) + "\n")
    _plot(result, out.with_suffix(".png"))
