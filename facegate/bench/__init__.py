"""Performance measurement: the in-process limit, the naive baseline and facegate served by Triton.

`python -m facegate.bench` (`make bench`) measures all three in one run and writes
`docs/benchmark.md` and its plot; `facegate.bench.loadtest` (`make loadtest`) drives the real
client with locust. No frame, crop or embedding is written anywhere: only timings and decisions.
"""
