"""Face geometry: similarity transforms from 5 landmarks and the crops each face model expects."""
