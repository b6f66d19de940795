"""`facegate gateway`: the reference carrier backend that serves the capture page (web/capture/) and turns its
HTTP calls into facegate client calls over gRPC, so the browser never reaches Triton nor holds an API key."""
