"""The line a rep pastes into their softphone so it tells CallerCard about a ring.

The same recipes as docs/softphone-hooks.md (a test compares them line by line), as data: the
welcome window shows the one for the softphone found on this computer, with this computer's
command for CallerCard in it, and a Copy button.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.softphones import softphone

CALLERCARD = "{callercard}"  # where the command goes in a recipe


@dataclass(frozen=True)
class HookRecipe:
    softphone_id: str  # in the softphone table (core/softphones.py)
    where: str  # where to paste it, in the softphone's own words
    lines: str  # with CALLERCARD for the command; "" when the softphone has no hook
    note: str = ""
    # The note instead of `note` when no call log of it was found here: `note` may point at
    # the Watch button, which only a found log has.
    note_without_log: str = ""
    # The sys.platform prefixes it runs on ("win32", "linux", "darwin"); empty for all. The
    # welcome lists this computer's first: a Linux rep was offered MicroSIP before anything.
    platforms: tuple[str, ...] = ()

    @property
    def softphone(self) -> str:
        """Its title, for people."""
        return softphone(self.softphone_id).title

    @property
    def kinds(self) -> tuple[str, ...]:
        """The source kinds found by detection that mean this softphone; none for one that
        leaves no call log to find (Zoiper)."""
        return tuple(f.name for f in softphone(self.softphone_id).formats if f.watchable)

    def text(self, command: str) -> str:
        """The lines with `command` (the full path to callercard) in them."""
        return self.lines.replace(CALLERCARD, command)


RECIPES: tuple[HookRecipe, ...] = (
    HookRecipe(
        "microsip",
        "Close MicroSIP, open microsip.ini and add under [Settings]:",
        f"cmdIncomingCall={CALLERCARD} ring --source microsip --\n"
        f"cmdCallEnd={CALLERCARD} end --source microsip --\n"
        f"cmdCallBusy={CALLERCARD} end --source microsip --",
        "MicroSIP's call log works with no set-up too: press Watch its call log.",
        "Its call log, microsip.ini, can be watched too: Settings → Softphones.",
        platforms=("win32",),
    ),
    HookRecipe(
        "zoiper",
        "Zoiper: Settings → Features → Automation → Event rules; a rule of type Call, "
        "direction Incoming, state Ringing, method Program:",
        f"{CALLERCARD} ring --source zoiper -- '{{number}}'",
        "For Hangup and Rejected, the same with “end” instead of “ring”.",
    ),
    HookRecipe(
        "twinkle",
        # In Twinkle's own words: its Scripts page has a field per event, not these keys, and
        # a rep pasted all four lines into "Incoming call".
        "Twinkle: Edit → User profile → Scripts. Put what follows each = in its field: "
        "Incoming call (the ring line), Incoming call failed, Call released locally and Call "
        "released remotely (the end lines). Or, with Twinkle closed, add the lines to the "
        "profile's .cfg file in ~/.twinkle:",
        # Without the end lines the card never followed the call: it stayed after a hang-up.
        f"script_incoming_call={CALLERCARD} ring --source twinkle\n"
        f"script_in_call_failed={CALLERCARD} end --source twinkle\n"
        f"script_local_release={CALLERCARD} end --source twinkle\n"
        f"script_remote_release={CALLERCARD} end --source twinkle",
        platforms=("linux",),
    ),
    HookRecipe(
        "jitsi",
        "Jitsi: Options → Events → Incoming call → tick Execute program and enter:",
        f"{CALLERCARD} ring --source jitsi -- ${{caller.address}} ${{caller.name}}",
    ),
    HookRecipe(
        "baresip",
        "baresip tells CallerCard about calls through its ctrl_tcp module. Add these lines to "
        "~/.baresip/config, then restart baresip:",
        "module ctrl_tcp.so\nctrl_tcp_listen 127.0.0.1:4444",
        "Then Settings → Softphones → add “baresip” at 127.0.0.1:4444.",
        "Then Settings → Softphones → add “baresip” at 127.0.0.1:4444.",
        platforms=("linux", "darwin"),
    ),
    HookRecipe(
        "linphone",
        "Linphone starts no program on a call; CallerCard reads its database as the call "
        "arrives (Linphone 5.2 and later).",
        "",
        "Nothing to paste: press Watch its call log.",
        "Nothing to paste: once Linphone has run here, add its linphone.db in Settings → "
        "Softphones.",
    ),
)


def recipes_for(platform: str) -> tuple[HookRecipe, ...]:
    """Every recipe, those for softphones that run on `platform` (sys.platform) first."""
    here = [r for r in RECIPES if not r.platforms or platform.startswith(r.platforms)]
    return (*here, *(r for r in RECIPES if r not in here))


def recipe_for_kind(kind: str) -> HookRecipe | None:
    """The recipe for a detected call log's kind, or None (a PBX's log: watched, no hook)."""
    return next((r for r in RECIPES if kind in r.kinds), None)


def command_text(argv: list[str]) -> str:
    """The command as a softphone's command line needs it: each word with a space quoted
    ("C:\\Program Files\\CallerCard\\callercard.exe")."""
    return " ".join(f'"{word}"' if " " in word else word for word in argv)
