"""Archives in and out: importing Disqus and WordPress (WXR) exports and Kommentare's own JSON archive, and
exporting that archive (README "Archives: import and export")."""
