"""What someone gives to add or edit a team directory, apart from the steps that use it: the
Settings window builds one without loading any network module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.adapters.directories.mirror import Directory


@dataclass(frozen=True)
class DirectoryForm:
    """What someone gives to add a directory. LDAP: `user` is the bind DN, `base` the
    search base; CardDAV ignores base, search_filter and start_tls."""

    kind: str
    name: str
    url: str
    user: str = ""
    password: str = ""
    base: str = ""
    search_filter: str = ""
    start_tls: bool = False
    ca_file: str = ""

    def options(self) -> dict[str, str]:
        options: dict[str, str] = {}
        if self.kind == "ldap":
            options = {"filter": self.search_filter.strip(),
                       "start_tls": "1" if self.start_tls else ""}  # fmt: skip
        if self.ca_file:
            options["ca_file"] = self.ca_file
        return options


def form_of(target: Directory) -> DirectoryForm:
    """A directory's settings as the form that added it, without its password (Edit's start)."""
    options = target.options
    return DirectoryForm(
        target.kind, target.name, target.url, target.username, "",
        target.collection_url if target.kind == "ldap" else "", options.get("filter", ""),
        options.get("start_tls") == "1", options.get("ca_file", ""),
    )  # fmt: skip
