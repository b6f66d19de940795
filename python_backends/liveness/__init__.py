"""Liveness signals from dense face landmarks and the anti-spoofing model, and clip-level events."""
