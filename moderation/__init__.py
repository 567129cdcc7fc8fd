"""Kommentare: comment moderation and discussion backend for news sites."""
