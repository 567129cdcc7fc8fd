"""The configurations ``toxicity_http.py`` measures, as gunicorn server specs.

Each Kommentare configuration gets a fresh database per run (``databases.py``), auto-created articles and no rate
limit; everything else is the service's default
unless the row's name says otherwise. Variants try other process/thread layouts on the 2 cores.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import corpus
from servers import REPO, ServerSpec

BUNDLED_DIR = REPO / "moderation" / "toxicity" / "bundled"
BERT, BUNDLED, NAIVE, CEILING = "bert-base", "bundled", "naive", "ceiling"


@dataclass(frozen=True)
class Config:
    """One row of the table: a server spec, which model family it runs, and whether it is a layout variant."""

    spec: ServerSpec
    model: str
    variant: bool = False
    #: Share of first-time commenters in the load (``loadgen.py --new-share``); the rest are returning readers.
    new_share: float = corpus.NEW_SHARE

    @property
    def name(self) -> str:
        return self.spec.name


def kommentare(
    name: str, model: str, settings: dict[str, str], *, variant: bool = False, new_share: float = corpus.NEW_SHARE
) -> Config:
    """A Kommentare server; ``settings`` are ``KOMMENTARE_*`` values without the prefix."""
    env = {
        "DATABASE_URL": "",  # filled in per run by ``databases.fresh``
        "AUTO_CREATE_ARTICLES": "true",
        "RATELIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",  # model_timeout holds are still logged, one line each
        **settings,
    }
    spec = ServerSpec(name=name, app="wsgi:app", env={f"KOMMENTARE_{k}": v for k, v in env.items()})
    return Config(spec, model, variant, new_share)


def naive(checkpoint: Path, config_dir: Path) -> Config:
    """Plain detoxify behind Flask; gunicorn runs it from the folder holding ``bert-base-uncased/``."""
    env = {"NAIVE_CHECKPOINT": str(checkpoint), "NAIVE_CONFIG_DIR": str(config_dir)}
    spec = ServerSpec(
        "naive baseline", "naive_app:app", env, chdir=config_dir.parent, pythonpath=(REPO / "bench",), migrate=False
    )
    return Config(spec, NAIVE)


#: The layout before the benchmark chose today's defaults: one process, 8 request threads, torch's thread default.
ONE_PROCESS = {"WORKERS": "1", "THREADS": "8", "TOXICITY_THREADS": "0"}


def bert_base(checkpoint: Path, config_dir: Path, *, variants: bool) -> list[Config]:
    """The service's batched fp32 and int8 paths, its one-at-a-time path, and optional layout variants."""
    files = {"TOXICITY_MODEL": "checkpoint", "TOXICITY_CHECKPOINT": str(checkpoint)}
    files["TOXICITY_CONFIG_DIR"] = str(config_dir)
    int8 = {**files, "TOXICITY_QUANTIZE": "int8"}
    rows = [
        kommentare("bert fp32 batched", BERT, files),
        kommentare("bert int8 batched", BERT, int8),
        kommentare("bert fp32 batch=1", BERT, {**files, "TOXICITY_BATCH_SIZE": "1"}),
    ]
    if variants:
        rows += [
            kommentare("bert int8 batch=1", BERT, {**int8, "TOXICITY_BATCH_SIZE": "1"}, variant=True),
            kommentare("bert int8 untraced", BERT, {**int8, "TOXICITY_TRACE": "false"}, variant=True),
            kommentare("bert int8 2 workers x 4 thr", BERT, {**int8, "THREADS": "4"}, variant=True),
            kommentare("bert int8 1 worker x 8 thr", BERT, {**int8, **ONE_PROCESS}, variant=True),
        ]
    return rows


def ceiling(checkpoint: Path, config_dir: Path) -> list[Config]:
    """A 2-layer, 32-wide model costs ~2 ms a call: what these rows reach is the request path's own limit
    (HTTP, validation, rules, database), i.e. the most any model can get end to end."""
    files = {"TOXICITY_MODEL": "checkpoint", "TOXICITY_CHECKPOINT": str(checkpoint)}
    return [kommentare("tiny model", CEILING, {**files, "TOXICITY_CONFIG_DIR": str(config_dir)}, variant=True)]


def bundled(*, variants: bool) -> list[Config]:
    """The bundled model, fp32 and int8; none when it has not been trained yet (see ``bundled_missing``)."""
    if bundled_missing():
        return []
    model = {"TOXICITY_MODEL": "bundled"}
    rows = [
        kommentare("bundled fp32 batched", BUNDLED, model),
        kommentare("bundled int8 batched", BUNDLED, {**model, "TOXICITY_QUANTIZE": "int8"}),
    ]
    if variants:
        rows += [
            kommentare("bundled untraced", BUNDLED, {**model, "TOXICITY_TRACE": "false"}, variant=True),
            kommentare("bundled 3 workers x 2 thr", BUNDLED, {**model, "WORKERS": "3"}, variant=True),
            kommentare("bundled 1 worker x 8 thr", BUNDLED, {**model, **ONE_PROCESS}, variant=True),
            # Every author new: after ten of them each article is one growing new-account burst campaign.
            kommentare("bundled, all new accounts", BUNDLED, model, variant=True, new_share=1.0),
        ]
    return rows


def with_batch_stats(config: Config) -> Config:
    """The same Kommentare server, started through ``batch_stats:app`` (counts model batches; see that module)."""
    if config.spec.app != "wsgi:app":
        return config
    spec = replace(config.spec, app="batch_stats:app", pythonpath=(REPO, REPO / "bench"))
    return replace(config, spec=spec)


def bundled_missing() -> bool:
    return not any(BUNDLED_DIR.glob("*.ckpt"))
