"""A number-parsing worker: JSON lines in ({"region": "US", "raws": [...]}), JSON lines out
([[e164, extension, problem, valid, region], ...]). Started by numbers_pool; it ends at EOF."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from desktop.core.numbers import NumberPolicy, parse_number


def serve(source: TextIO, sink: TextIO) -> None:
    for line in source:
        request = json.loads(line)
        policy = NumberPolicy(str(request["region"]))
        out = []
        for raw in request["raws"]:
            n = parse_number(str(raw), policy)
            out.append([n.e164, n.extension, n.problem, n.valid, n.region])
        sink.write(json.dumps(out) + "\n")
        sink.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
