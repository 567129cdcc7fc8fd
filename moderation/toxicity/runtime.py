"""The app's active scorer: built (not loaded) from the settings in ``create_app``, or the one a test passes in.

The submission pipeline scores with it; the ``flask models`` commands read its model id. Building checks that the
model's files exist, so a missing model stops start-up with the path and the fix.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from moderation.settings import DEFAULT_THRESHOLDS, Settings
from moderation.thresholds import Thresholds, merge
from moderation.toxicity.activation import active_head, candidates_dir
from moderation.toxicity.registry import ModelFiles, check_files, resolve
from moderation.toxicity.scorer import Scorer, build_scorer
from moderation.toxicity.sitehead import SiteAdaptedScorer, SiteHead

EXTENSION_KEY = "kommentare.toxicity"


def configured_scorer(settings: Settings) -> Scorer:
    """The scorer the settings name, after checking its files are on disk (no model is loaded yet), with the active
    site head (``flask models activate``) over it."""
    model_dir = Path(settings.model_dir)
    files = configured_files(settings)
    if files is not None:
        check_files(files)
    base = build_scorer(
        model=settings.toxicity_model,
        model_dir=model_dir,
        checkpoint=settings.toxicity_checkpoint,
        config_dir=settings.toxicity_config_dir,
        device=settings.toxicity_device,
        quantize=settings.toxicity_quantize,
        max_tokens=settings.toxicity_max_tokens,
        threads=settings.toxicity_threads,
        trace=settings.toxicity_trace,
        runtime=settings.toxicity_runtime,
    )
    head = active_head(model_dir)
    return base if head is None else SiteAdaptedScorer(base, head)


def configured_files(settings: Settings) -> ModelFiles | None:
    """The checkpoint and config the settings name (None for ``none`` and for published models not pulled)."""
    return resolve(
        name=settings.toxicity_model,
        model_dir=Path(settings.model_dir),
        checkpoint=settings.toxicity_checkpoint,
        config_dir=settings.toxicity_config_dir,
    )


def base_thresholds(settings: Settings, scorer: Scorer) -> Thresholds:
    """What comments are judged by before per-article overrides: the model's own defaults (its card's, or the
    generic ``DEFAULT_THRESHOLDS`` for a model without them) with ``KOMMENTARE_THRESHOLDS`` laid over them.

    A card's defaults replace the generic ones whole: a label the card leaves out is one the model was not good
    enough on to hold or reject by itself."""
    own: Thresholds | None = getattr(scorer, "default_thresholds", None)
    return merge(DEFAULT_THRESHOLDS if own is None else own, settings.thresholds)


def shadow_head(settings: Settings) -> SiteHead | None:
    """The candidate ``KOMMENTARE_TOXICITY_SHADOW_CANDIDATE`` names, loaded (a missing one stops start-up)."""
    if not settings.toxicity_shadow_candidate:
        return None
    return SiteHead.load(candidates_dir(Path(settings.model_dir)) / settings.toxicity_shadow_candidate)


def init_app(app: Flask, scorer: Scorer) -> None:
    app.extensions[EXTENSION_KEY] = scorer


def current_scorer() -> Scorer:
    scorer: Scorer = current_app.extensions[EXTENSION_KEY]
    return scorer
