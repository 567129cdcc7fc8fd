"""The bundled model's architecture and training loop (masked-LM self-pretraining, then fine-tuning).

``train_model.py`` is the command: data, vocabulary, checkpoint and model card. Everything here is deterministic
given the seed ``train_model.seed_everything`` sets; the recipe and why each step is there are in its docstring.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LambdaLR, LRScheduler
from transformers import BertConfig, BertForMaskedLM, BertForSequenceClassification

sys.path.insert(0, str(Path(__file__).resolve().parent))
import toxicity_data as td

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]  # ids 0-4 in the trained vocab
MASK_ID = SPECIAL_TOKENS.index("[MASK]")


@dataclass(frozen=True)
class Hyper:
    """Every knob that changes the weights; all of it is written to the model card."""

    seed: int = 13
    split_seed: int = 2018
    vocab_size: int = 8000  # small vocab: more word-piece sharing between German compounds, fewer parameters
    hidden: int = 128
    layers: int = 1  # 2 layers scored lower on validation
    heads: int = 2
    intermediate: int = 256
    max_len: int = 128
    dropout: float = 0.2
    init_range: float = 0.1  # BERT's 0.02 learns far slower from scratch
    token_dropout: float = 0.25
    mlm_epochs: int = 12  # 6 → 12 epochs of self-pretraining helped; 24 did not
    mlm_lr: float = 2e-3
    epochs: int = 12
    patience: int = 4
    batch_size: int = 32
    lr: float = 2e-3
    weight_decay: float = 0.01
    davidson_per_epoch: int = 3000
    label_weights: tuple[float, ...] = (2.0, 1.0, 1.0, 1.0)
    val_fraction: float = 0.15
    davidson_holdout: float = 0.15


@dataclass
class Encoded:
    """Token ids (unpadded lists) with label/mask/weight tensors for one split."""

    ids: list[list[int]]
    labels: torch.Tensor
    mask: torch.Tensor
    german: torch.Tensor


def build_model(hp: Hyper, vocab_size: int) -> BertForSequenceClassification:
    """A tiny BERT whose attention queries start at zero (uniform attention ⇒ [CLS] = mean of token values).

    Only the query is zeroed: with both query and key at zero their gradients would both vanish and attention
    could never leave the uniform start.
    """
    settings: dict[str, Any] = {
        "vocab_size": vocab_size,
        "hidden_size": hp.hidden,
        "num_hidden_layers": hp.layers,
        "num_attention_heads": hp.heads,
        "intermediate_size": hp.intermediate,
        "max_position_embeddings": hp.max_len,
        "type_vocab_size": 1,
        "initializer_range": hp.init_range,
        "hidden_dropout_prob": hp.dropout,
        "attention_probs_dropout_prob": hp.dropout,
        "num_labels": len(td.LABELS),
        "problem_type": "multi_label_classification",
        "id2label": dict(enumerate(td.LABELS)),
        "label2id": {label: i for i, label in enumerate(td.LABELS)},
    }
    model = BertForSequenceClassification(BertConfig(**settings))
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if ".attention.self.query." in name:
                parameter.zero_()
    return model


def collate(ids: list[list[int]], token_dropout: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad a batch; in training replace a random share of word pieces (never special tokens) with [MASK].

    Token dropout keeps the model from leaning on a single swear word and is cheap data augmentation.
    """
    width = max(len(row) for row in ids)
    input_ids = torch.zeros(len(ids), width, dtype=torch.long)
    attention = torch.zeros(len(ids), width, dtype=torch.long)
    for i, row in enumerate(ids):
        input_ids[i, : len(row)] = torch.tensor(row)
        attention[i, : len(row)] = 1
    if token_dropout > 0:
        drop = (torch.rand(input_ids.shape) < token_dropout) & (input_ids >= len(SPECIAL_TOKENS))
        input_ids = input_ids.masked_fill(drop, MASK_ID)
    return input_ids, attention


@torch.no_grad()
def predict(model: BertForSequenceClassification, ids: list[list[int]], batch_size: int = 256) -> np.ndarray:
    """Sigmoid scores for every label, the same computation ``Detoxify.predict`` performs."""
    model.eval()  # type: ignore[no-untyped-call]
    chunks = []
    for start in range(0, len(ids), batch_size):
        input_ids, attention = collate(ids[start : start + batch_size])
        chunks.append(torch.sigmoid(model(input_ids=input_ids, attention_mask=attention).logits).numpy())
    return np.concatenate(chunks)


def masked_loss(logits: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor, hp: Hyper) -> torch.Tensor:
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

    Tweets average ~25 word pieces but a random batch pads to its longest (often 80+), so sorting within windows
    of 50 batches cuts the work about threefold while every batch stays a random draw from the data.
    """
    window = batch_size * 50
    batches = []
    for start in range(0, len(rows), window):
        chunk = sorted(rows[start : start + window], key=lambda row: len(ids[row]))
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in torch.randperm(len(batches)).tolist()]


def optimizer(model: nn.Module, data: Encoded, hp: Hyper, lr: float, epochs: int) -> tuple[Optimizer, LRScheduler]:
    """AdamW with 200 warm-up steps, then linear decay to zero at the end of ``epochs`` epochs."""
    optim = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=hp.weight_decay)
    rows = int(data.german.sum()) + min(hp.davidson_per_epoch, int((~data.german).sum()))
    total = epochs * -(-rows // hp.batch_size)
    return optim, LambdaLR(optim, lambda step: min(1.0, (step + 1) / 200) * max(0.0, 1 - step / total))


def step(loss: torch.Tensor, model: nn.Module, optim: Optimizer, sched: LRScheduler) -> None:
    """One clipped optimiser step (clipping keeps the from-scratch post-LN transformer stable)."""
    optim.zero_grad()
    loss.backward()  # type: ignore[no-untyped-call]
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optim.step()
    sched.step()


def run_epoch(
    model: BertForSequenceClassification, data: Encoded, optim: Optimizer, sched: LRScheduler, hp: Hyper
) -> float:
    """One pass over the shuffled training set; returns the mean loss."""
    model.train()
    order = epoch_rows(data, hp.davidson_per_epoch)
    total = 0.0
    for rows in length_batches(order, data.ids, hp.batch_size):
        input_ids, attention = collate([data.ids[i] for i in rows], hp.token_dropout)
        logits = model(input_ids=input_ids, attention_mask=attention).logits
        loss = masked_loss(logits, data.labels[rows], data.mask[rows], hp)
        step(loss, model, optim, sched)
        total += loss.item() * len(rows)
    return total / len(order)


def mlm_batch(ids: list[list[int]], vocab_size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """BERT masking: 15% of word pieces are targets; 80% of those become [MASK], 10% a random piece, 10% stay."""
    input_ids, attention = collate(ids)
    targets = (torch.rand(input_ids.shape) < 0.15) & (input_ids >= len(SPECIAL_TOKENS))
    labels = input_ids[targets]
    roll = torch.rand(input_ids.shape)
    input_ids = input_ids.masked_fill(targets & (roll < 0.8), MASK_ID)
    random_ids = torch.randint(len(SPECIAL_TOKENS), vocab_size, input_ids.shape)
    input_ids = torch.where(targets & (roll >= 0.9), random_ids, input_ids)
    return input_ids, attention, targets, labels


def pretrain_mlm(model: BertForSequenceClassification, data: Encoded, hp: Hyper) -> None:
    """Self-pretraining: masked-LM on the training texts themselves before fine-tuning.

    With no outside corpus allowed, this is the only way to give the encoder some notion of which word pieces
    behave alike (Krishna et al. 2022 find downstream data alone already makes a useful pre-training corpus).
    The LM head is tied to the input embeddings and thrown away afterwards.
    """
    if hp.mlm_epochs == 0:
        return
    mlm = BertForMaskedLM(model.config)
    mlm.bert = model.bert
    mlm.cls.predictions.decoder.weight = model.bert.embeddings.word_embeddings.weight
    optim, sched = optimizer(mlm, data, hp, hp.mlm_lr, hp.mlm_epochs)
    mlm.train()
    for epoch in range(1, hp.mlm_epochs + 1):
        batches, total = length_batches(epoch_rows(data, hp.davidson_per_epoch), data.ids, hp.batch_size), 0.0
        for batch in batches:
            input_ids, attention, targets, labels = mlm_batch([data.ids[i] for i in batch], model.config.vocab_size)
            hidden = mlm.bert(input_ids=input_ids, attention_mask=attention)[0][targets]
            loss = nn.functional.cross_entropy(mlm.cls(hidden), labels)
            step(loss, mlm, optim, sched)
            total += loss.item()
        print(f"mlm epoch {epoch}  loss {total / len(batches):.3f}", flush=True)


def train(
    hp: Hyper, train_set: Encoded, val_set: Encoded, vocab_size: int
) -> tuple[BertForSequenceClassification, list[dict[str, float]]]:
    """AdamW with warm-up and linear decay; keep the epoch with the best GermEval-validation toxicity AUC."""
    model = build_model(hp, vocab_size)
    pretrain_mlm(model, train_set, hp)
    optim, sched = optimizer(model, train_set, hp, hp.lr, hp.epochs)
    best_auc, best_epoch, best_state, history = -1.0, 0, model.state_dict(), []
    for epoch in range(1, hp.epochs + 1):
        loss = run_epoch(model, train_set, optim, sched, hp)
        auc = td.roc_auc(val_set.labels[:, 0].tolist(), predict(model, val_set.ids)[:, 0].tolist()) or 0.0
        history.append({"epoch": epoch, "train_loss": round(loss, 4), "val_toxicity_auc": round(auc, 4)})
        print(f"epoch {epoch:2d}  loss {loss:.4f}  val AUC {auc:.4f}", flush=True)
        if auc > best_auc:
            best_auc, best_epoch, best_state = auc, epoch, {k: v.clone() for k, v in model.state_dict().items()}
        elif epoch - best_epoch >= hp.patience:
            break  # early stopping: validation AUC has not improved for `patience` epochs
    model.load_state_dict(best_state)
    return model, history


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
