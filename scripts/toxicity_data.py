"""Readers, label mapping and deterministic splits for the toxicity training data.

Only two public sets may train the bundled model (see ``shared/datasets/README.md``): GermEval 2018 (German tweets,
CC BY 4.0) and Davidson et al. 2017 (English tweets, MIT). Both are mapped onto Detoxify's label names so the
checkpoint loads with plain ``detoxify``. A label a dataset cannot tell us about is *masked* (mask 0) rather than
guessed as negative, so the loss never teaches the model that an unlabelled insult is harmless.

The training script and any evaluation script import this module, so the splits and the text cleaning they see
are byte-for-byte the same.
"""

from __future__ import annotations

import csv
import hashlib
import html
import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Output order of the model head; the checkpoint's ``classes`` list and ``config.json`` id2label follow it.
LABELS: tuple[str, ...] = ("toxicity", "insult", "obscene", "identity_attack")

GERMEVAL_TRAIN = "toxicity/germeval2018/germeval2018.training.txt"
GERMEVAL_TEST = "toxicity/germeval2018/germeval2018.test.txt"
DAVIDSON = "toxicity/davidson/labeled_data.csv"

#: Human-readable form of the mapping below; written into the model card.
LABEL_MAPPING: dict[str, dict[str, str]] = {
    "toxicity": {"germeval": "coarse OFFENSE", "davidson": "class 0 (hate) or 1 (offensive)"},
    "insult": {"germeval": "fine INSULT", "davidson": "unknown (masked)"},
    "obscene": {"germeval": "fine PROFANITY", "davidson": "unknown (masked)"},
    "identity_attack": {"germeval": "fine ABUSE", "davidson": "class 0 (hate); classes 1/2 = 0"},
}

_MENTION = re.compile(r"@\w+")
_URL = re.compile(r"https?://\S+")
_RETWEET = re.compile(r"\bRT\b")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Example:
    """One labelled text: ``labels[i]``/``mask[i]`` follow :data:`LABELS`; mask 0 means "label unknown"."""

    text: str
    labels: tuple[float, ...]
    mask: tuple[float, ...]
    source: str  # "germeval" or "davidson"
    stratum: str  # the dataset's finest label, used for stratified splits


def clean_text(text: str) -> str:
    """Remove Twitter artefacts that a comment section never sees.

    User handles and URLs become the placeholders ``@user``/``http`` so the vocabulary is not spent on names and
    the model cannot learn "replies to @X are offensive"; HTML entities and GermEval's ``|LBR|`` line-break marker
    are decoded. Applied identically to training and evaluation texts.
    """
    text = html.unescape(text.replace("|LBR|", " "))
    text = _URL.sub("http", text)
    text = _MENTION.sub("@user", text)
    text = _RETWEET.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def read_germeval(path: Path) -> list[Example]:
    """Read a GermEval 2018 TSV file (``text<TAB>OFFENSE|OTHER<TAB>ABUSE|INSULT|PROFANITY|OTHER``)."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        text, coarse, fine = line.split("\t")
        flags = (coarse == "OFFENSE", fine == "INSULT", fine == "PROFANITY", fine == "ABUSE")
        labels = tuple(float(flag) for flag in flags)
        examples.append(Example(clean_text(text), labels, (1.0, 1.0, 1.0, 1.0), "germeval", fine))
    return examples


def read_davidson(path: Path) -> list[Example]:
    """Read Davidson et al.'s ``labeled_data.csv``; insult and obscene are not annotated there, so they are masked."""
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            cls = int(row["class"])
            labels = (float(cls in (0, 1)), 0.0, 0.0, float(cls == 0))
            examples.append(Example(clean_text(row["tweet"]), labels, (1.0, 0.0, 0.0, 1.0), "davidson", str(cls)))
    return examples


def stratified_split(
    examples: Sequence[Example], fraction: float, seed: int, key: Callable[[Example], str] = lambda e: e.stratum
) -> tuple[list[Example], list[Example]]:
    """Split into (kept, held_out) with ``fraction`` of every stratum held out, chosen by a fixed seed.

    Stratifying keeps the rare classes (Davidson hate speech, GermEval PROFANITY) represented in small held-out sets;
    a private :class:`random.Random` makes the split independent of any other randomness in the process.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        groups[key(example)].append(index)
    rng = random.Random(seed)
    held: set[int] = set()
    for stratum in sorted(groups):
        indices = groups[stratum]
        rng.shuffle(indices)
        held.update(indices[: round(len(indices) * fraction)])
    kept = [e for i, e in enumerate(examples) if i not in held]
    return kept, [e for i, e in enumerate(examples) if i in held]


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, recorded in the model card so the training data can be verified later."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def roc_auc(labels: Sequence[float], scores: Sequence[float]) -> float | None:
    """ROC-AUC via the Mann-Whitney rank statistic (ties get average ranks); None when only one class is present.

    Implemented here rather than imported from scikit-learn because the project venv does not ship it.
    """
    y = np.asarray(labels, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    positives = float(y.sum())
    negatives = float(len(y) - positives)
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(s, kind="mergesort")
    sorted_scores = s[order]
    ranks = np.empty(len(s), dtype=np.float64)
    start = 0
    while start < len(s):
        end = start
        while end + 1 < len(s) and sorted_scores[end + 1] == sorted_scores[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def f1_at(labels: Sequence[float], scores: Sequence[float], threshold: float) -> float:
    """F1 of the positive class when ``score >= threshold`` counts as positive."""
    y = np.asarray(labels) == 1
    predicted = np.asarray(scores) >= threshold
    true_positives = float(np.sum(y & predicted))
    denominator = float(np.sum(y) + np.sum(predicted))
    return 2 * true_positives / denominator if denominator else 0.0


def best_f1_threshold(labels: Sequence[float], scores: Sequence[float]) -> tuple[float, float]:
    """The threshold (one of the observed scores) that maximises F1, and that F1; ties go to the higher threshold."""
    best = (0.5, -1.0)
    for threshold in np.unique(np.asarray(scores, dtype=np.float64)).tolist():
        f1 = f1_at(labels, scores, threshold)
        if f1 >= best[1]:
            best = (threshold, f1)
    return best
