"""The benchmark's table, ratios and plot (markdown + PNG), from one run's measurements."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

import psutil

from facegate.bench.inprocess_runs import Limit, SequentialRun
from facegate.bench.served import LatencyStats, ServedRun


@dataclass(frozen=True)
class BenchResults:
    frames: int
    limit: Limit
    inprocess: SequentialRun
    naive: SequentialRun
    served: list[ServedRun]  # closed loop, by concurrency
    half_load: ServedRun  # open loop at half the saturation throughput
    load_average: tuple[float, float]  # the machine's 1-minute load average as the run started and ended
    video: list[ServedRun]  # closed loop, the genuine clip sent as its MP4 (1 user and saturation's concurrency)
    frames_upload_bytes: int  # sent per genuine verification: ID photo + frames
    video_upload_bytes: int  # ID photo + MP4

    @property
    def saturation(self) -> ServedRun:
        return max(self.served, key=lambda run: run.verifications_per_s)

    @property
    def lone(self) -> ServedRun:
        return min(self.served, key=lambda run: run.concurrency)

    def ratios(self) -> dict[str, float]:
        best = self.saturation.verifications_per_s
        return {
            "server CPU s / verification at saturation": self.saturation.server_cpu_s_per_verification,
            "served / limit (a)": best / self.limit.verifications_per_s,
            "served / ONNX Runtime in one process (d)": best / self.inprocess.verifications_per_s,
            "served / naive (c)": best / self.naive.verifications_per_s,
            "p99 at half load / lone p50": self.half_load.latency.p99_s / self.lone.latency.p50_s,
        }


TARGETS = {"server CPU s / verification at saturation": ("<=", 1.0), "served / limit (a)": (">=", 0.9),
           "served / naive (c)": (">=", 1.5), "p99 at half load / lone p50": ("<=", 1.5)}


def target_met(name: str, value: float) -> bool | None:
    """None for a figure without a target."""
    if name not in TARGETS:
        return None
    sign, bound = TARGETS[name]
    return value <= bound if sign == "<=" else value >= bound


def machine() -> str:
    return (f"{platform.processor() or platform.machine()}, {psutil.cpu_count()} logical CPUs, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.system()} {platform.release()}")


def _f(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def markdown(results: BenchResults, when: str) -> str:
    limit, lines = results.limit, []
    start, end = results.load_average
    lines += [f"Measured {when} on {machine()}; {results.frames} frames + 1 ID photo per verification. "
              f"Load average {start:.1f} as the run started, {end:.1f} as it ended: above ~0.5, other processes "
              "shared the CPUs and rates and latencies are low and noisy; CPU seconds per verification hold up best.",
              "",
              "### (a) the limit: each stage in-process at its best batch size", "",
              "| stage | items / verification | best batch | items/s | items/s by batch |",
              "| --- | --- | --- | --- | --- |"]
    for stage in limit.stages:
        by_batch = ", ".join(f"{batch}: {_f(rate, 1)}" for batch, rate in stage.by_batch.items())
        lines.append(f"| {stage.stage} | {limit.items_per_verification[stage.stage]} | {stage.best_batch} | "
                     f"{_f(stage.items_per_s, 1)} | {by_batch} |")
    lines += ["", f"Whole request at these rates: **{_f(limit.verifications_per_s, 3)} verifications/s** "
              f"({_f(limit.seconds_per_verification)} s of the machine per verification).", "",
              "### Verifications", "",
              "| setup | load | verifications/s | p50 s | p95 s | p99 s | CPU s / verification | decisions |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |",
              f"| (a) limit, composed from the stages | - | {_f(limit.verifications_per_s, 3)} | - | - | - | "
              f"{_f(limit.seconds_per_verification)} (wall) | - |"]
    for run in (results.inprocess, results.naive):
        lines.append(f"| {run.label} | 1 | {_f(run.verifications_per_s, 3)} | "
                     f"{_percentiles(LatencyStats.of(run.latencies_s))} | "
                     f"{_f(run.cpu_s_per_verification)} | {_decisions(run.decisions)} |")
    for run in (*results.served, results.half_load):
        lines.append(f"| (b) facegate via Triton, gRPC client | {run.load} | {_f(run.verifications_per_s, 3)} | "
                     f"{_percentiles(run.latency)} | "
                     f"{_f(run.server_cpu_s_per_verification)} (server) | {_decisions(run.decisions)}"
                     f"{f', {run.failures} failed' if run.failures else ''} |")
    lines += _clip_rows(results)
    lines += ["", "### Targets", "", "| figure | value | target | met |", "| --- | --- | --- | --- |"]
    for name, value in results.ratios().items():
        met = target_met(name, value)
        target = " ".join(str(part) for part in TARGETS.get(name, ()))
        lines.append(f"| {name} | {_f(value)} | {target} | {'' if met is None else 'yes' if met else 'NO'} |")
    lines += ["", f"Saturation: {results.saturation.load}. Half load: calls started evenly spaced at half the "
              f"saturation throughput ({results.half_load.load}); lone request: {results.lone.load}.",
              "", "### Server processes at saturation (CPU seconds during the run, peak resident memory)", "",
              "| process (model instance) | CPU s | peak RSS MiB |", "| --- | --- | --- |"]
    for usage in results.saturation.processes:
        lines.append(f"| {usage.name} | {_f(usage.cpu_s, 1)} | {_f(usage.peak_rss_mb, 0)} |")
    return "\n".join(lines) + "\n"


def _clip_rows(results: BenchResults) -> list[str]:
    """The same genuine clip sent as frames or as the recorded MP4 (the server decodes and picks frames)."""
    lines = ["", "### Frames or video: the genuine clip sent as frames or as its MP4", "",
             "| clip sent as | load | verifications/s | p50 s | p95 s | p99 s | server CPU s / verification | "
             "bytes sent / verification | verify peak RSS MiB | decisions |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    frames_runs = {run.concurrency: run for run in results.served}
    for video_run in results.video:
        for run, sent in ((frames_runs.get(video_run.concurrency), f"{results.frames} frames (JPEG)"),
                          (video_run, "MP4 (H.264, 96 frames, 23.98 fps)")):
            if run is None:
                continue
            size = results.video_upload_bytes if run.video else results.frames_upload_bytes
            verify_rss = max((p.peak_rss_mb for p in run.processes if p.name.startswith("verify_")), default=float("nan"))
            lines.append(f"| {sent} | {run.load} | {_f(run.verifications_per_s, 3)} | {_percentiles(run.latency)} | "
                         f"{_f(run.server_cpu_s_per_verification)} | {size:,} | {_f(verify_rss, 0)} | "
                         f"{_decisions(run.decisions)}"
                         f"{f', {run.failures} failed' if run.failures else ''} |")
    return lines


def _percentiles(latency: LatencyStats) -> str:
    return f"{_f(latency.p50_s)} | {_f(latency.p95_s)} | {_f(latency.p99_s)}"


def _decisions(decisions: dict[str, int]) -> str:
    return ", ".join(f"{count} {decision}" for decision, count in sorted(decisions.items()))


def plot(results: BenchResults, path: Path) -> None:
    """Throughput and p99 latency against concurrency, with the limit and the naive baseline as lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = sorted(results.served, key=lambda run: run.concurrency)
    concurrency = [run.concurrency for run in runs]
    figure, (throughput, latency) = plt.subplots(1, 2, figsize=(10, 4))
    throughput.plot(concurrency, [run.verifications_per_s for run in runs], "o-", label="(b) facegate via Triton")
    throughput.axhline(results.limit.verifications_per_s, color="green", linestyle="--", label="(a) in-process limit")
    throughput.axhline(results.naive.verifications_per_s, color="red", linestyle=":", label="(c) naive baseline")
    throughput.axhline(results.inprocess.verifications_per_s, color="orange", linestyle="-.",
                       label="(d) ONNX Runtime in one process")
    throughput.set(xlabel="concurrent users", ylabel="verifications / s", title="throughput")
    throughput.legend()
    latency.plot(concurrency, [run.latency.p99_s for run in runs], "o-", label="p99")
    latency.plot(concurrency, [run.latency.p50_s for run in runs], "s--", label="p50")
    latency.axhline(results.half_load.latency.p99_s, color="purple", linestyle="-.",
                    label=f"p99 at half load ({results.half_load.load})")
    latency.axhline(TARGETS["p99 at half load / lone p50"][1] * results.lone.latency.p50_s, color="grey",
                    linestyle=":", label="target: 1.5x lone p50")
    latency.set(xlabel="concurrent users", ylabel="verify latency, s", title="latency")
    latency.legend()
    for axis in (throughput, latency):
        axis.set_xscale("log", base=2)
        axis.set_xticks(concurrency, [str(c) for c in concurrency])
        axis.set_ylim(bottom=0)
    figure.suptitle(f"facegate, {results.frames}-frame verifications, {machine()}", fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
