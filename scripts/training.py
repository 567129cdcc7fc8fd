"""The pieces of the bundled model's training loop that do not depend on where its weights start from.

``train_model.py`` is the command (data, weights, checkpoint, model card); the recipe and why are in its docstring.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch import nn
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler
from transformers import BertForSequenceClassification

sys.path.insert(0, str(Path(__file__).resolve().parent))
import toxicity_data as td


class Weighted(Protocol):
    label_weights: tuple[float, ...]


@dataclass
class Encoded:
    """Token ids (unpadded lists) with label/mask/weight tensors for one split."""

    ids: list[list[int]]
    labels: torch.Tensor
    mask: torch.Tensor
    german: torch.Tensor


def collate(ids: list[list[int]], pad_id: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad a batch and give its attention mask (the pad id is never attended to)."""
    width = max(len(row) for row in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    attention = torch.zeros(len(ids), width, dtype=torch.long)
    for i, row in enumerate(ids):
        input_ids[i, : len(row)] = torch.tensor(row)
        attention[i, : len(row)] = 1
    return input_ids, attention


@torch.no_grad()
def predict(model: BertForSequenceClassification, ids: list[list[int]], batch_size: int = 64) -> np.ndarray:
    """Sigmoid scores for every label, the same computation ``Detoxify.predict`` performs."""
    model.eval()  # type: ignore[no-untyped-call]
    chunks = []
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # similar lengths together: less padding
    for start in range(0, len(ids), batch_size):
        rows = order[start : start + batch_size]
        input_ids, attention = collate([ids[i] for i in rows])
        chunks.append(torch.sigmoid(model(input_ids=input_ids, attention_mask=attention).logits).numpy())
    scores = np.concatenate(chunks)
    out = np.empty_like(scores)
    out[order] = scores
    return out


def masked_loss(logits: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor, hp: Weighted) -> torch.Tensor:
    """Multi-label BCE that ignores unknown labels (mask 0); ``label_weights`` favour the headline toxicity label."""
    bce = nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction="none")
    weights = mask * torch.tensor(hp.label_weights)[None, :]
    return (bce * weights).sum() / weights.sum()


def epoch_rows(data: Encoded, davidson_per_epoch: int) -> list[int]:
    """Shuffled row order for one epoch: every German row plus a fresh random sample of the English rows.

    Sampling English per epoch balances the languages and keeps an epoch fast while still showing all of Davidson
    over the run.
    """
    german = torch.nonzero(data.german).flatten()
    english = torch.nonzero(~data.german).flatten()
    english = english[torch.randperm(len(english))[:davidson_per_epoch]]
    rows = torch.cat([german, english])
    return rows[torch.randperm(len(rows))].tolist()


def length_batches(rows: list[int], ids: list[list[int]], batch_size: int) -> list[list[int]]:
    """Cut already-shuffled rows into batches of similar length, in random batch order.

    Tweets average ~30 pieces but a random batch pads to its longest (often 80+), so sorting within windows of 50
    batches cuts the work about threefold while every batch stays a random draw from the data.
    """
    window = batch_size * 50
    batches = []
    for start in range(0, len(rows), window):
        chunk = sorted(rows[start : start + window], key=lambda row: len(ids[row]))
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in torch.randperm(len(batches)).tolist()]


def step(loss: torch.Tensor, model: nn.Module, optim: Optimizer, sched: LRScheduler) -> None:
    """One clipped optimiser step."""
    optim.zero_grad()
    loss.backward()  # type: ignore[no-untyped-call]
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optim.step()
    sched.step()


def evaluate(model: BertForSequenceClassification, split: Encoded, threshold: float) -> dict[str, float | None]:
    """ROC-AUC for every label the split annotates, plus toxicity F1 at the shipped threshold."""
    scores = predict(model, split.ids)
    metrics: dict[str, float | None] = {"n": len(split.ids)}
    for i, label in enumerate(td.LABELS):
        known = split.mask[:, i] == 1
        auc = td.roc_auc(split.labels[known, i].tolist(), scores[known.numpy(), i].tolist()) if known.any() else None
        metrics[f"{label}_auc"] = None if auc is None else round(auc, 4)
    metrics["toxicity_f1"] = round(td.f1_at(split.labels[:, 0].tolist(), scores[:, 0].tolist(), threshold), 4)
    return metrics
