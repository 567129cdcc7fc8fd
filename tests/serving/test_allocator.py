"""The allocator settings apply on glibc and step aside for an operator's own."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = "from moderation.allocator import tune_allocator; print(tune_allocator())"


@pytest.mark.parametrize(
    ("env", "applied"),
    [({}, "True"), ({"MALLOC_ARENA_MAX": "4"}, "False"), ({"MALLOC_MMAP_THRESHOLD_": "65536"}, "False")],
)
def test_tune_allocator_respects_the_operators_settings(env: dict[str, str], applied: str) -> None:
    """In a fresh interpreter: the settings last for the process (gunicorn's master, then its workers)."""
    result = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == applied, result.stderr
