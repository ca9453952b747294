"""The outbox's figures for the metrics (`expo.core.metrics`), read at each scrape.

Read from the database rather than counted as rows come and go: several processes write
and send rows, and the database is the one place that knows the backlog.
"""

import logging

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from expo.core.exceptions import DATABASE_UNAVAILABLE_ERRORS
from expo.notifications.selectors import outbox_backlog

logger = logging.getLogger(__name__)


class OutboxCollector(Collector):
    def collect(self):
        try:
            backlog = outbox_backlog()
        except DATABASE_UNAVAILABLE_ERRORS:
            # The other metrics matter most while the database is away: leave these out.
            logger.warning("Outbox metrics skipped: the database is unavailable.")
            return
        oldest = backlog.oldest_pending_created_at
        yield GaugeMetricFamily(
            "expo_outbox_pending",
            "Messages in the outbox waiting to be sent.",
            value=backlog.pending,
        )
        yield GaugeMetricFamily(
            "expo_outbox_oldest_pending_age_seconds",
            "Age of the oldest message waiting to be sent; 0 when none waits.",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0,
        )
