"""Indicators: what the crawler saw (SiteObservations) -> measurements and findings. Pure."""
from indicators.measure import measure, measurement_keys

__all__ = ["measure", "measurement_keys"]
