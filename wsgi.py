"""gunicorn entry point: ``gunicorn wsgi:app`` (settings from ``KOMMENTARE_*`` environment variables).

gunicorn imports this module in each worker after fork (``preload_app = False``), so the app and the model are built
in the process that serves requests (torch's thread pools do not survive a fork: inherited models can hang), and the
claim encoder with them. Their ONNX Runtime sessions are the exception: gunicorn's master built them before it forked
(``gunicorn.conf.py``, ``moderation/onnx_sessions.py``) and loading here finds them, so the workers share one copy.
A model or encoder that cannot load stops the worker here with the reason and the fix, so gunicorn refuses to start
instead of holding every comment for review.
"""

import logging
import sys

from app import create_app
from moderation.claims.encoder import EncoderUnavailable
from moderation.submission.runtime import current_runtime
from moderation.toxicity.loading import ModelUnavailable

app = create_app()
with app.app_context():
    try:
        current_runtime().pipeline.load_model()
    except (ModelUnavailable, EncoderUnavailable) as exc:
        logging.getLogger("moderation").critical("cannot start: %s", exc)
        sys.exit(3)  # gunicorn's "worker failed to boot": the arbiter stops instead of respawning forever
