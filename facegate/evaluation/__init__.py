"""`facegate evaluate`: liveness, anti-spoofing, quality gates and matching measured on real clips against hand labels."""
