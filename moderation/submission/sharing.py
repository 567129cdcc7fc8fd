"""Load the ONNX graphs the workers will serve once, in gunicorn's master, so every worker shares one copy.

``gunicorn.conf.py`` calls ``share_models`` before it forks the workers (README "Production"). The app itself is
still imported after fork in each worker (``preload_app = False``): no database connection, thread or model object
crosses the fork, only ONNX Runtime sessions that run on the calling thread (``moderation.onnx_sessions``). Each
worker then builds its scorer as before and its ``open_session`` finds the master's session for the same file; the
probe check and every score are the same session's. Anything that cannot be shared (torch, a session with a
thread pool, a file that is missing or does not match) is left to the worker, which loads its own copy or stops
with the reason, exactly as without sharing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from moderation.claims.encoder import ClaimEncoder
from moderation.onnx_sessions import preload
from moderation.settings import Settings
from moderation.toxicity.onnx import export_for
from moderation.toxicity.runtime import configured_files

log = logging.getLogger(__name__)


def shared_graphs(settings: Settings) -> list[Path]:
    """The ONNX graphs a worker with these settings opens: the toxicity model's export (unless torch serves it)
    and the claim encoder's (when claims are on)."""
    graphs = []
    files = configured_files(settings) if settings.toxicity_runtime != "torch" else None
    export = export_for(files, settings.toxicity_quantize) if files is not None else None
    if export is not None:
        graphs.append(export.graph)
    if settings.claims_enabled:
        graphs.append(ClaimEncoder(threads=settings.toxicity_threads).graph)
    return graphs


def share_models(settings: Settings, *, instance_path: Path) -> list[Path]:
    """Build the sessions of ``shared_graphs`` in this process; returns those built. Never raises: a worker that
    cannot get a shared session loads its own and reports any problem itself."""
    if not settings.share_models:
        return []
    if not settings.model_dir:
        settings = settings.replace(model_dir=str(instance_path / "models"))  # as create_app does
    try:
        graphs = shared_graphs(settings)
        return [graph for graph in graphs if preload(graph, threads=settings.toxicity_threads)]
    except Exception:
        log.warning("models not shared with the workers: each worker loads its own", exc_info=True)
        return []
