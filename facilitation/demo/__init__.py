"""Demo data shaped on the seeds, for trying the app and for scripted acceptance checks."""
