"""`facegate calibrate`: the face-match threshold from every genuine and impostor pair the real test
assets allow, scored by the embed ensemble of a real server (same alignment as verify)."""
