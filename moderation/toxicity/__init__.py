"""Toxicity scoring: which Detoxify model, where its files are, how it is loaded, batched, pulled and calibrated."""
