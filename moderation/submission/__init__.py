"""The submission use cases: submit, nudge and re-score, orchestrating rules, model and campaign screening."""
