"""Readers' data rights: export everything stored about a reader (GDPR Art. 15 and 20)."""
