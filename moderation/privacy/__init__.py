"""Readers' data rights (export, GDPR Art. 15 and 20; erasure, Art. 17) and the DSA transparency figures."""
