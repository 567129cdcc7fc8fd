"""glibc's allocator settings for long-running workers that score batches of very different sizes.

By default glibc raises its mmap threshold each time a large block is freed (up to 32 MB), so after one batch of
long comments the model's activation buffers come from the heap and are never given back, and every request thread
may get its own 64 MB malloc arena. Under a burst of 40 comments each worker of the default layout kept 130-210 MB
of its own that way. A fixed threshold of 1 MB sends only large buffers to mmap (returned on free; the small ones of
a one-comment call stay on the reused heap) and two arenas bound the per-thread growth: 84-132 MB after the same
burst, with no measurable cost per model call (README "Production"). gunicorn's master sets them before it forks,
so the workers inherit them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 1 << 20
ARENA_MAX = 2


def tune_allocator() -> bool:
    """Apply the settings above unless the operator set glibc's own variables; False where there is no glibc."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    applied = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(mallopt(M_ARENA_MAX, ARENA_MAX))
    if not applied:
        log.info("this C library did not take the allocator settings (not glibc?)")
    return applied
