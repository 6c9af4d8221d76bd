"""AMATO's daily revenue forecast on log(revenue + one order's revenue), by the candidate model
of lowest backtest error: a local level with drift and month-of-year effects, a local level on
last year's monthly profile, or a regression with ARMA errors (candidates.py).

Trained here (`python -m amato_ml.forecast train`) from one row per day of sales history and
the campaign spend planned for the coming days; the artifact it writes (format
amato.revenue-forecast.v1) holds the forecast itself, each day with its 80% and 95% intervals,
so serving reads the numbers instead of recomputing a model.
"""

from .backtest import seasonal_naive
from .candidates import KINDS, Spec
from .dataset import MIN_HISTORY_DAYS, DailyRevenue, DatasetError, from_table, load_dataset
from .features import Design
from .model import ORDERS, TrainingError
from .train import ARTIFACT_FORMAT, MAX_HORIZON, REPORT_FORMAT, ForecastResult, build, train

__all__ = [
    "ARTIFACT_FORMAT",
    "MAX_HORIZON",
    "MIN_HISTORY_DAYS",
    "ORDERS",
    "REPORT_FORMAT",
    "DailyRevenue",
    "DatasetError",
    "Design",
    "ForecastResult",
    "KINDS",
    "Spec",
    "TrainingError",
    "build",
    "from_table",
    "load_dataset",
    "seasonal_naive",
    "train",
]
