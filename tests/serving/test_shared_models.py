"""gunicorn's master loads the ONNX graphs once and its workers share them: which graphs a configuration shares,
that nothing else is ever shared, and, under real gunicorn, that each worker serves the master's copy with the
same scores as a model loaded on its own."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
import requests

from moderation.claims.encoder import BUNDLED, GRAPH
from moderation.comments.models import Comment
from moderation.onnx_sessions import forget
from moderation.settings import Settings
from moderation.submission.sharing import share_models, shared_graphs
from moderation.toxicity.onnx import paths
from moderation.toxicity.registry import bundled_files
from moderation.toxicity.scorer import build_scorer
from tests.factories import ARTICLE_ID, make_article
from tests.helpers import gunicorn_process

TOXICITY_GRAPH = paths(bundled_files())[0]
CLAIMS_GRAPH = BUNDLED / GRAPH


def settings(**changes: Any) -> Settings:
    return Settings(environment="development", model_dir="/nonexistent/models").replace(**changes)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, [TOXICITY_GRAPH, CLAIMS_GRAPH]),
        ({"toxicity_runtime": "torch"}, [CLAIMS_GRAPH]),
        ({"claims_enabled": False}, [TOXICITY_GRAPH]),
        ({"toxicity_model": "none"}, [CLAIMS_GRAPH]),
        ({"toxicity_quantize": "int8"}, [TOXICITY_GRAPH.with_name(TOXICITY_GRAPH.stem + ".int8.onnx"), CLAIMS_GRAPH]),
    ],
)
def test_the_graphs_a_worker_would_open_are_the_ones_shared(changes: dict[str, Any], expected: list[Path]) -> None:
    assert shared_graphs(settings(**changes)) == expected


@pytest.mark.parametrize("changes", [{"share_models": False}, {"toxicity_threads": 2}])
def test_nothing_is_shared_when_switched_off_or_multithreaded(changes: dict[str, Any], tmp_path: Path) -> None:
    assert share_models(settings(**changes), instance_path=tmp_path) == []


def test_sharing_never_stops_the_master(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A model the settings cannot resolve is the worker's to report (it stops with the fix); the master goes on."""
    with caplog.at_level(logging.WARNING, logger="moderation.submission.sharing"):
        assert share_models(settings(toxicity_model="no-such-model"), instance_path=tmp_path) == []
    assert "each worker loads its own" in caplog.text
    forget()


def shared_mb(pid: int) -> float:
    """The part of a process's resident memory it shares with others (here: with the master and its sibling)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    return sum(int(fields[key].split()[0]) for key in ("Shared_Clean", "Shared_Dirty")) / 1024


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="reads worker memory from Linux /proc")
def test_gunicorn_workers_serve_the_masters_models_with_the_same_scores(database_url: str, session: Any) -> None:
    make_article(session)
    env = {**os.environ, "KOMMENTARE_DATABASE_URL": database_url, "KOMMENTARE_RATELIMIT_ENABLED": "false"}
    texts = [  # different enough not to look like a copy-paste campaign
        "Danke für den Bericht aus dem Lazarett, das war gründlich recherchiert.",
        "Mich würde interessieren, wie die Ärzte dort überhaupt an Medikamente kommen.",
        "Gibt es unabhängige Quellen für die Zahl der verwundeten Soldaten?",
        "Ein nüchterner Text, der ohne Übertreibung auskommt. Gerne mehr davon.",
        "Die Karte im zweiten Absatz hilft sehr, danke an die Grafikabteilung.",
        "Wie reagiert eigentlich die Regierung in Seoul auf diese Meldungen?",
    ]
    with gunicorn_process(env) as (base, master):
        ids = []
        for number, text in enumerate(texts):  # both workers answer some of them
            body = {"author_name": f"Leserin {number}", "body": text}
            response = requests.post(f"{base}/api/v1/articles/{ARTICLE_ID}/comments", json=body, timeout=30)
            assert response.status_code == 201, response.json()
            ids.append(response.json()["id"])
        workers = [int(pid) for pid in Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()]
        assert len(workers) == 2
        # Each worker's own copy of both models would be ~190 MB of private memory; shared, they are its parent's.
        assert all(shared_mb(pid) > 120 for pid in workers), [shared_mb(pid) for pid in workers]
    own = build_scorer(model="bundled", model_dir=Path("/nonexistent"), runtime="onnx")
    expected = own.score(texts)
    for comment_id, scores in zip(ids, expected, strict=True):
        stored = session.get(Comment, comment_id).toxicity_scores
        assert stored == pytest.approx(scores, abs=1e-6)
