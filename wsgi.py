"""gunicorn entry point: ``gunicorn wsgi:app`` (settings from ``KOMMENTARE_*`` environment variables).

gunicorn imports this module in each worker after fork (``preload_app = False``), so the model warm-up below
runs in the process that serves requests and never in a parent that forks.
"""

from app import create_app
from moderation.state import AppState

app = create_app()
state: AppState = app.extensions["kommentare"]
state.pipeline.warm_up()
