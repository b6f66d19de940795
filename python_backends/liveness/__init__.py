"""Per-frame liveness signals from dense face landmarks and the anti-spoofing model (clip-level
blink and turn events: python_backends/decision/actions.py)."""
