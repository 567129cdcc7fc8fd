"""``flask models pull`` against a real local HTTP mirror, and its fast, instructive failure without internet."""

from __future__ import annotations

import functools
import hashlib
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from moderation.toxicity.pull import PullError, Sources, pull
from moderation.toxicity.registry import PublishedModel
from moderation.toxicity.scorer import build_scorer
from tests.tiny_detoxify import build_tiny_checkpoint

CLOSED_PORT_URL = "http://127.0.0.1:9/"  # discard port: nothing listens, the connection is refused at once


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, PublishedModel]]:
    """Releases under /rel/, a hub under /hub/<repo>/resolve/main/, holding a tiny checkpoint as model 'tiny'."""
    checkpoint, config_dir = build_tiny_checkpoint(tmp_path / "build")
    digest = hashlib.sha256(checkpoint.read_bytes()).hexdigest()[:8]
    release = tmp_path / "root" / "rel" / "v9"
    release.mkdir(parents=True)
    shutil.copy(checkpoint, release / f"tiny-{digest}.ckpt")
    shutil.copytree(config_dir, tmp_path / "root" / "hub" / "bert-base-uncased" / "resolve" / "main")
    model = PublishedModel(
        "tiny",
        f"v9/tiny-{digest}.ckpt",
        "bert-base-uncased",
        "BertForSequenceClassification",
        "BertTokenizer",
        ("config.json", "vocab.txt"),
    )
    handler = functools.partial(QuietHandler, directory=str(tmp_path / "root"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", model
    server.shutdown()
    server.server_close()


def test_pull_fetches_checkpoint_and_base_files_that_then_load_offline(
    mirror: tuple[str, PublishedModel], tmp_path: Path
) -> None:
    base, model = mirror
    files = pull(model, model_dir=tmp_path / "models", sources=Sources(f"{base}/rel/", f"{base}/hub"))
    assert files.checkpoint == tmp_path / "models" / "tiny" / model.checkpoint_name
    assert sorted(p.name for p in files.config_dir.iterdir()) == ["config.json", "tokenizer_config.json", "vocab.txt"]
    assert not list(files.config_dir.parent.rglob("*.part"))
    scorer = build_scorer(
        model="checkpoint", model_dir=tmp_path, checkpoint=str(files.checkpoint), config_dir=str(files.config_dir)
    )
    assert len(scorer.score(["hallo"])) == 1
    again = pull(model, model_dir=tmp_path / "models", sources=Sources(CLOSED_PORT_URL, CLOSED_PORT_URL))
    assert again == files  # complete files are not fetched again


def test_a_checkpoint_with_the_wrong_hash_is_refused_and_not_kept(
    mirror: tuple[str, PublishedModel], tmp_path: Path
) -> None:
    base, model = mirror
    (tmp_path / "root" / "rel" / model.release_path).write_bytes(b"tampered")
    with pytest.raises(PullError, match=f"expected a hash starting {model.sha256_prefix}"):
        pull(model, model_dir=tmp_path / "models", sources=Sources(f"{base}/rel/", f"{base}/hub"))
    assert list((tmp_path / "models").rglob("*.ckpt*")) == []


def test_without_network_pull_fails_fast_and_says_what_to_copy_where(tmp_path: Path) -> None:
    from moderation.toxicity.registry import PUBLISHED

    started = time.monotonic()
    with pytest.raises(PullError) as excinfo:
        pull(PUBLISHED["original"], model_dir=tmp_path, sources=Sources(CLOSED_PORT_URL, CLOSED_PORT_URL))
    assert time.monotonic() - started < 5
    message = str(excinfo.value)
    assert "could not pull original" in message
    assert "v0.1-alpha/toxic_original-c1212f89.ckpt" in message
    assert str(tmp_path / "original" / "toxic_original-c1212f89.ckpt") in message
    assert "must start with c1212f89" in message
    assert str(tmp_path / "original" / "bert-base-uncased") in message


@pytest.mark.parametrize(
    "settings_overrides", [{"model_download_url": CLOSED_PORT_URL, "model_hub_url": CLOSED_PORT_URL}]
)
def test_cli_pull_without_network_exits_non_zero_with_the_manual_steps(runner: Any) -> None:
    result = runner.invoke(args=["models", "pull", "unbiased"])
    assert result.exit_code == 1
    assert "copy the files in by hand" in result.output
    assert "toxic_debiased-c7548aa0.ckpt" in result.output


def test_cli_list_shows_every_model_and_the_active_one(runner: Any) -> None:
    result = runner.invoke(args=["models", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    names = [line[2:].split()[0] for line in lines[1:] if line[:2] in {"* ", "  "} and line[2:3] != "("]
    assert names == ["bundled", "original", "unbiased", "multilingual", "original-small", "unbiased-small"]
    assert "not on disk (flask models pull original" in result.output
