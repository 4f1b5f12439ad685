"""PySide6's look at the source of every module imported after it, without linecache.

Once PySide6 is imported, its import hook asks of each new module whether its source mentions
"PySide6" (`from __feature__ import snake_case` applies per module). It reads the source with
inspect.getsource, which leaves every file's lines in linecache: for the tray app 445 files,
75,000 lines, 6.6 MB, interleaved in Python's heap with the modules imported at the same time.
Emptying linecache later frees the strings but not the heap pages they share with objects
that live for the whole session (measured with benchmarks/ring_latency.py --only rss, 100k
contacts, after 500 rings: 27 MB of Python heap of which 8.7 MB free, against 20 MB of which
1.4 MB free when the source is read as below; 101.6 -> 93.7 MB resident).

The answer stays PySide6's own: the same substring in the same source, read through the
module's loader as one string that is dropped at once.
"""

from __future__ import annotations

import sys
from types import ModuleType

# Where PySide6 6.x keeps the check (shiboken's embedded support package) and its name.
_FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


def mentions_pyside(module: ModuleType) -> bool:
    """Whether the module's source contains "PySide6", as PySide6 itself decides; False for a
    module without source (built in, extension, bytecode only, frozen)."""
    loader = getattr(module, "__loader__", None)
    get_source = getattr(loader, "get_source", None)
    if get_source is None:
        return False
    try:
        source = get_source(module.__name__)
    except (ImportError, OSError, SyntaxError, ValueError):  # ValueError: undecodable bytes
        return False
    return isinstance(source, str) and "PySide6" in source


def read_sources_without_linecache() -> bool:
    """Call once PySide6 is imported and before the app's own modules are. Whether PySide6's
    check was found and replaced (a PySide6 without it keeps its own)."""
    feature = sys.modules.get(_FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, _CHECK, None)):
        return False
    setattr(feature, _CHECK, mentions_pyside)
    return True
