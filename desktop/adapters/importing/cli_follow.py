"""`callercard import --follow / --unfollow / --list-followed`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.followed_list import announce_change, followed_files
from desktop.adapters.importing.following import unfollow
from desktop.adapters.store import Store


def run_follow_listing(args: object, store: Store) -> int:
    unfollowing = getattr(args, "unfollow", None)
    as_json = bool(getattr(args, "json", False))
    if unfollowing:
        found = unfollow(store, Path(unfollowing))
        if found is None:
            print(f"callercard: {unfollowing} is not followed", file=sys.stderr)
            return 1
        announce_change(store.path)
        if as_json:
            print(json.dumps({"unfollowed": str(found.path), "batch": found.batch_id}))
        else:
            print(f"No longer following {found.path}.")
            if found.batch_id is not None:
                print(f"  its contacts stay; remove them with: callercard import --undo "
                      f"{found.batch_id}")  # fmt: skip
        return 0
    files = followed_files(store)
    if as_json:
        print(json.dumps([f.to_json() for f in files], ensure_ascii=False, indent=2))
        return 0
    if not files:
        print("No followed files. Follow one with: callercard import --follow FILE")
    for followed in files:
        when = "never"
        if followed.checked_at:
            local = datetime.fromtimestamp(followed.checked_at, UTC).astimezone()
            when = local.strftime("%Y-%m-%d %H:%M")
        batch = f"batch {followed.batch_id}" if followed.batch_id is not None else "no batch"
        print(f"{followed.path}  ({batch}, last read {when})")
        if followed.problem:
            print(f"  problem: {followed.problem}")
    return 0
