"""Campaign detection across accounts: near-copies, pushed URLs and new-account bursts, decided in bulk."""
