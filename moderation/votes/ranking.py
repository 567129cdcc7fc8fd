"""How ``sort=top`` ranks comments: the lower bound of the Wilson score interval of the share of up-votes.

A comment with 1 up and 0 down must not outrank one with 90 up and 10 down: the lower bound of the 95 % Wilson
interval asks "how good is it at least, given how few votes we have", so few votes count for little (Evan Miller,
"How Not To Sort By Average Rating", the rank Reddit's "best" uses). Stored as an integer (millionths) on the
comment, so ``top`` pages by keyset like every listing. No votes ranks 0, with the down-voted.
"""

from __future__ import annotations

import math

Z = 1.959964  # 95 %
SCALE = 1_000_000


def wilson_lower_bound(up: int, down: int) -> float:
    n = up + down
    if n == 0:
        return 0.0
    share = up / n
    centre = share + Z * Z / (2 * n)
    margin = Z * math.sqrt((share * (1 - share) + Z * Z / (4 * n)) / n)
    return (centre - margin) / (1 + Z * Z / n)


def rank(up: int, down: int) -> int:
    return round(wilson_lower_bound(up, down) * SCALE)
