"""gunicorn settings for ``make run`` and production (override any of them with GUNICORN_CMD_ARGS).

Threads in one process share one copy of the toxicity model; the app is imported after fork in each worker
(no ``preload_app``) so no worker inherits a model or a thread pool from its parent.
"""

import os

workers = int(os.environ.get("KOMMENTARE_WORKERS", "1"))
threads = int(os.environ.get("KOMMENTARE_THREADS", "8"))
worker_class = "gthread"
preload_app = False
timeout = 60
accesslog = "-"
