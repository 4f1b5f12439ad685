"""Memory the app freed goes back to the system: a tray app that lives for days must not keep
start-up's or a busy hour's high-water mark resident (glibc only; elsewhere nothing to do)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import PYTHON, REPO, python_env

CHILD = textwrap.dedent(
    """
    import ctypes, json
    from desktop.adapters.native_heap import limit_arenas, release_free_memory

    def rss_mb():
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * 4096 / 2**20

    capped = limit_arenas()
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    # 40 MB in small blocks, as Python and Qt allocate, then all freed but the newest, which
    # keeps the heap's top in use so that free() alone cannot give anything back.
    blocks = [libc.malloc(200) for _ in range(200_000)]
    for block in blocks:
        ctypes.memset(block, 1, 200)
    for block in blocks[:-1]:
        libc.free(block)
    freed = rss_mb()
    released = release_free_memory()
    print(json.dumps({"capped": capped, "released": released, "freed": freed,
                      "after": rss_mb()}))
    """
)


@pytest.mark.skipif(
    sys.platform != "linux" or not os.confstr("CS_GNU_LIBC_VERSION"), reason="glibc only"
)
def test_freed_memory_is_handed_back_to_the_system() -> None:
    out = subprocess.run([PYTHON, "-c", CHILD], cwd=REPO, env=python_env(), check=True,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    figures = json.loads(out.stdout)
    assert figures["capped"] and figures["released"]
    assert figures["freed"] - figures["after"] > 20, figures
