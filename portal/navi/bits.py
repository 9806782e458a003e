"""Sets of catalog positions as Python integers used as bitsets.

AND, OR and popcount on a 10,000-bit integer run in C in microseconds, which is what lets every
facet count be computed for every request without touching the database.
"""

from __future__ import annotations

from collections.abc import Iterable

_BITS_OF_BYTE = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


def mask_of(positions: Iterable[int]) -> int:
    positions = list(positions)
    if not positions:
        return 0
    buffer = bytearray(max(positions) // 8 + 1)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def positions_of(mask: int) -> list[int]:
    """The set bits of `mask`, ascending."""
    if mask <= 0:
        return []
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    out: list[int] = []
    for index, byte in enumerate(data):
        if byte:
            base = index << 3
            out.extend(base + bit for bit in _BITS_OF_BYTE[byte])
    return out


def any_of(masks: Iterable[int]) -> int:
    result = 0
    for mask in masks:
        result |= mask
    return result
