"""Known disinformation claims matched across languages: a comment that makes a claim the catalogue knows is
held (or flagged) with the nearest claim shown to moderators (README "Claims across languages")."""
