"""Watched words: word lists with actions (flag, hold, reject) that moderators edit, German first."""
