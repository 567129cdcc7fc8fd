"""The naive baseline: what "put Detoxify behind Flask" looks like, one ``predict`` per request, no database.

Run by ``toxicity_http.py`` under the same gunicorn settings as Kommentare (1 worker, 8 threads), with the working
directory set to the folder holding ``bert-base-uncased/``: plain detoxify asks ``BertConfig.from_pretrained`` for
the checkpoint's ``model_type`` by name, which only resolves offline to a local directory of that name. A lock
serialises ``predict`` because the tokenizer raises "Already borrowed" when threads share it.
Environment: ``NAIVE_CHECKPOINT`` (a Detoxify .ckpt), ``NAIVE_CONFIG_DIR`` (its config and tokenizer files).
"""

from __future__ import annotations

import os
import threading
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # huggingface_hub reads it once, at import

from detoxify import Detoxify
from flask import Flask, jsonify, request

_model = Detoxify(checkpoint=os.environ["NAIVE_CHECKPOINT"], huggingface_config_path=os.environ["NAIVE_CONFIG_DIR"])
_lock = threading.Lock()
app = Flask(__name__)


@app.post("/api/v1/articles/<article_id>/comments")
def post_comment(article_id: str) -> tuple[Any, int]:
    """Score the body and answer 201 with the scores; a body that is not a string is a 400."""
    payload = request.get_json(silent=True) or {}
    body = payload.get("body")
    if not isinstance(body, str) or not body:
        return jsonify({"error": "body must be a non-empty string"}), 400
    with _lock:
        scores = _model.predict(body)
    return jsonify({"article_id": article_id, "scores": scores, "reasons": []}), 201
