"""``flask models pull``: fetch a published Detoxify checkpoint plus its base config and tokenizer, hash-checked.

Downloads go to a ``.part`` file and are renamed only once complete and verified, so an interrupted or tampered
download never looks like a model. Without internet it fails on the first request (short timeout, DNS errors are
immediate) and says which files to copy where by hand.
"""

from __future__ import annotations

import hashlib
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from moderation.toxicity.registry import OPTIONAL_FILES, ModelFiles, PublishedModel, published_files

_CHUNK = 1 << 20


class PullError(Exception):
    """The pull failed; the message says how to get the files onto this machine another way."""


@dataclass(frozen=True)
class Sources:
    """Where to download from: detoxify's GitHub releases and the Hugging Face hub, or mirrors of them."""

    releases_url: str
    hub_url: str
    timeout: float = 10.0


def pull(model: PublishedModel, *, model_dir: Path, sources: Sources) -> ModelFiles:
    """Download what is missing; returns the files, complete and verified."""
    files = published_files(model, model_dir)
    if files.checkpoint.is_file() and all((files.config_dir / name).is_file() for name in model.base_files):
        return files
    files.config_dir.mkdir(parents=True, exist_ok=True)
    try:
        if not files.checkpoint.is_file():
            url = sources.releases_url.rstrip("/") + "/" + model.release_path
            _download(url, files.checkpoint, timeout=sources.timeout, sha256_prefix=model.sha256_prefix)
        for name in (*model.base_files, *OPTIONAL_FILES):
            target = files.config_dir / name
            if not target.is_file():
                url = f"{sources.hub_url.rstrip('/')}/{model.base_model}/resolve/main/{name}"
                _download(url, target, timeout=sources.timeout, optional=name in OPTIONAL_FILES)
    except (OSError, urllib.error.URLError) as exc:
        raise PullError(_manual_steps(model, files, sources, exc)) from exc
    return files


def _download(url: str, target: Path, *, timeout: float, sha256_prefix: str = "", optional: bool = False) -> None:
    partial = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, partial.open("wb") as out:
            while chunk := response.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except urllib.error.HTTPError as exc:
        exc.close()  # an HTTPError holds the response open
        partial.unlink(missing_ok=True)
        if optional and exc.code == 404:
            return
        raise
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if sha256_prefix and not digest.hexdigest().startswith(sha256_prefix):
        partial.unlink()
        raise OSError(f"{url} has sha256 {digest.hexdigest()[:16]}..., expected a hash starting {sha256_prefix}")
    shutil.move(partial, target)


def _manual_steps(model: PublishedModel, files: ModelFiles, sources: Sources, exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    hub = sources.hub_url.rstrip("/")
    return (
        f"could not pull {model.name}: {reason}\n"
        "Without internet on this machine, copy the files in by hand from one that has it:\n"
        f"  1. {sources.releases_url.rstrip('/')}/{model.release_path}\n"
        f"     -> {files.checkpoint}   (its sha256 must start with {model.sha256_prefix})\n"
        f"  2. {', '.join(model.base_files)} (and {', '.join(OPTIONAL_FILES)} where they exist) from "
        f"{hub}/{model.base_model}\n"
        f"     -> {files.config_dir}/   (e.g. `hf download {model.base_model} --local-dir DIR`)\n"
        f"Then `flask models list` shows {model.name} on disk, and KOMMENTARE_TOXICITY_MODEL={model.name} loads it "
        "offline."
    )
