"""Readers' data rights: export everything stored about a reader (GDPR Art. 15 and 20) and erase it (Art. 17)."""
