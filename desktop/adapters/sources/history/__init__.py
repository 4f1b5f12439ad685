"""End-of-call logs as a source of HistoryEvents: the history, never the ring popup.

dialects.py names the logs and how each is written; line_log.py, whole_log.py and
sqlite_log.py follow the three ways; seen.py is what a re-read is diffed against; source.py is
the HistorySource the app runs, readers.py the one-shot read of the ``events`` verb.
"""

from desktop.adapters.sources.history.dialects import (
    HISTORY_DIALECTS,
    HistoryDialect,
    sniff_dialect,
)
from desktop.adapters.sources.history.readers import read_history_file
from desktop.adapters.sources.history.source import HistorySource

__all__ = [
    "HISTORY_DIALECTS",
    "HistoryDialect",
    "HistorySource",
    "read_history_file",
    "sniff_dialect",
]
