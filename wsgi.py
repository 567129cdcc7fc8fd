"""gunicorn entry point: ``gunicorn wsgi:app`` (settings from ``KOMMENTARE_*`` environment variables).

gunicorn imports this module in each worker after fork (``preload_app = False``), so the model warm-up below
runs in the process that serves requests and never in a parent that forks.
"""

from app import create_app
from moderation.state import current_state

app = create_app()
with app.app_context():
    current_state().pipeline.warm_up()
