"""Seed handling and the CSV round trip shared by every generator."""

from __future__ import annotations

import io

from ..datasets._schema import Schema, check_frame, stable_seed

__all__ = ["rng_for", "conform"]


def rng_for(seed, stream: int):
    """A ``numpy.random.Generator`` for ``seed`` (int or string) and a generator-specific stream."""
    import numpy as np

    return np.random.default_rng(np.random.SeedSequence([stable_seed(seed), stream]))


def conform(frame, schema: Schema, fname: str):
    """Round-trip through the CSV writer and the schema checker, so a variant equals a loaded file."""
    import pandas as pd

    buf = io.StringIO()
    frame.to_csv(buf, index=False, float_format="%.4f", lineterminator="\n")
    buf.seek(0)
    raw = pd.read_csv(buf, dtype=str, keep_default_na=False, na_values=[])
    return check_frame(raw, schema, fname)
