"""Z-score standardization of the segmentation vector.

HDBSCAN measures Euclidean distances, so without scaling monetary_value (thousands) would decide
every neighbourhood and the 0/1 flags none. TypeScript applies the same (x - mean) / scale with
the artifact's numbers before searching neighbours, so the two sides compute identical doubles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Standardizer:
    """Per-feature mean and scale (population standard deviation, ddof 0)."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, values: np.ndarray) -> Standardizer:
        """Learns mean and scale from the rows it will cluster.

        A column whose values are all equal gets scale 1: it carries no information, dividing by
        its zero (or rounding-noise) deviation would make it infinite or dominant, and with scale
        1 it becomes all zeros and drops out of every distance. Constancy is tested exactly
        (max == min) rather than by a tolerance on the deviation, since np.std of a constant
        column of 0.1s is ~1e-17, not 0. Its mean is set to the constant itself, so the scaled
        column is exactly 0 rather than rounding noise.
        """
        if values.ndim != 2 or values.shape[0] == 0:
            raise ValueError(f"expected a non-empty 2-D matrix, got shape {values.shape}")
        mean = values.mean(axis=0)
        scale = values.std(axis=0)
        constant = values.max(axis=0) == values.min(axis=0)
        mean = np.where(constant, values[0], mean)
        scale = np.where(constant, 1.0, scale)
        return cls(mean=mean, scale=scale)

    def transform(self, values: np.ndarray) -> np.ndarray:
        """(x - mean) / scale, elementwise in float64: the operation TypeScript repeats."""
        return (values - self.mean) / self.scale
