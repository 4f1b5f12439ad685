"""A hook's ring the app acked just before the quit is recorded, though its card never came:
the hook, told the ring was delivered, does not record it itself.

Found by benchmarks/quit_stress.py (hooks ringing, then a quit 0-0.6 s later): 2 runs in 39
lost every call their hooks rang. The quit's turn came before the acked rings' turns."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import SendStatus, deliver
from desktop.adapters.paths import AppPaths, resolve_paths
from desktop.adapters.store import Store
from desktop.cli import build_parser
from desktop.core.ipc import Ring
from desktop.qt.single_instance import SingleInstance

CALLER = "+16175550123"  # in no demo call


def owned_instance(tmp_path: Path) -> tuple[AppPaths, SingleInstance]:
    paths = resolve_paths(str(tmp_path / "data"))
    paths.ensure()
    instance = SingleInstance(instance_address(paths.data_dir))
    assert instance.acquire()
    return paths, instance


def ring_acked_not_handed_on(qtbot: QtBot, instance: SingleInstance) -> None:
    """A hook rings and is acked; its ring waits for its event-loop turn (held here)."""
    instance.hold_messages()
    answers: list[SendStatus] = []
    hook = threading.Thread(target=lambda: answers.append(
        deliver(instance.address, Ring(CALLER, "DANA W")).status))  # fmt: skip
    hook.start()
    qtbot.waitUntil(lambda: not hook.is_alive(), timeout=10_000)
    assert answers == [SendStatus.DELIVERED]


def recorded_numbers(paths: AppPaths) -> list[str]:
    store = Store.open(paths.database)
    try:
        return [call.attempt.number_e164 or "" for call in store.calls(limit=10)]
    finally:
        store.close()


def test_a_ring_acked_just_before_the_quit_is_recorded(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop.qt.app import CallerCardApp

    paths, instance = owned_instance(tmp_path)
    args = build_parser().parse_args(
        ["--data-dir", str(paths.data_dir), "--background", "--region", "US"]
    )
    app = CallerCardApp(args, paths, instance, demo=False)
    try:
        app.start(None)
        qtbot.wait(300)  # start-up's own timers have run
        ring_acked_not_handed_on(qtbot, instance)
        app.shutdown()
    finally:
        instance.release()
    assert recorded_numbers(paths).count(CALLER) == 1


def test_a_ring_held_by_an_app_quit_before_it_was_built_is_recorded(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from desktop.qt.start_up import StartUp

    paths, instance = owned_instance(tmp_path)
    args = build_parser().parse_args(
        ["--data-dir", str(paths.data_dir), "--background", "--region", "US"]
    )
    start_up = StartUp(args, paths, instance, None)
    try:
        ring_acked_not_handed_on(qtbot, instance)  # start-up holds messages until the app is up
        start_up.shutdown()  # a logout during start-up
    finally:
        instance.release()
    assert recorded_numbers(paths).count(CALLER) == 1


def test_a_hook_that_rang_as_the_app_quit_is_answered_and_its_call_recorded(
    tmp_path: Path,
) -> None:
    """The hook connected and sent its ring after the quit's turn began: no event loop runs
    any more. It used to be cut off without an answer (exit 1, nothing recorded)."""
    from desktop.core.ipc import decode_ack, encode
    from desktop.qt.start_up import StartUp

    paths, instance = owned_instance(tmp_path)
    args = build_parser().parse_args(
        ["--data-dir", str(paths.data_dir), "--background", "--region", "US"]
    )
    start_up = StartUp(args, paths, instance, None)
    with socket.socket(socket.AF_UNIX) as hook:
        hook.connect(instance.address)
        hook.sendall(encode(Ring(CALLER, "DANA W")))
        try:
            start_up.shutdown()
        finally:
            instance.release()
        hook.settimeout(5)
        answer = hook.recv(4096)
    assert decode_ack(answer).ok
    assert recorded_numbers(paths).count(CALLER) == 1
