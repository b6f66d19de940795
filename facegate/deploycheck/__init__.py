"""`make deploy-check`: the Kubernetes manifests in deploy/, checked offline (no cluster needed)."""
