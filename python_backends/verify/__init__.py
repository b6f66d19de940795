"""The `challenge` and `verify` models: orchestration of one verification and its JSON schema.

`pipeline.Verification` runs one request against three async ensemble calls (`ensembles.Ensembles`;
on Triton `triton_ensembles.TritonEnsembles` via BLS) and the decision layer
(`python_backends.decision`); `response` turns the outcome into the RESULT document described in
docs/api.md. The Triton adapters live in `triton_verify` and `triton_challenge` (imported only inside the server).
"""
