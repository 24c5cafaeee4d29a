"""``legalaid --version``: the program version and the schema revision it creates and expects.

The two facts come from :func:`legalaid_desktop.version.version_info` (the same as Help › About
in the desktop program); nothing opens a store. They are read only when the option is given, so
other commands pay nothing for it. ``--lang`` and ``--json`` count when they come before
``--version`` (``legalaid --json --version``), as does ``LEGALAID_LANG``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from legalaid_desktop.i18n import _, set_language
from legalaid_desktop.version import version_info


def version_text() -> str:
    """The two lines ``--version`` prints (in the current language)."""
    info = version_info()
    return "\n".join(
        (
            _("LegalAid Desktop {version}").format(version=info.version),
            _("Schema revision: {revision}").format(revision=info.schema_revision),
        )
    )


class VersionAction(argparse.Action):
    """Print the version and the schema revision, then exit with 0."""

    def __init__(
        self,
        option_strings: Sequence[str],
        dest: str = argparse.SUPPRESS,
        default: Any = argparse.SUPPRESS,
        help: str | None = None,
    ) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        set_language(getattr(namespace, "lang", None) or os.environ.get("LEGALAID_LANG") or "en")
        if getattr(namespace, "json", False):
            info = version_info()
            document = {"version": info.version, "schema_revision": info.schema_revision}
            sys.stdout.write(json.dumps(document) + "\n")
        else:
            sys.stdout.write(version_text() + "\n")
        parser.exit()


def add_version_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--version`` to the ``legalaid`` parser."""
    parser.add_argument(
        "--version",
        action=VersionAction,
        help=_("print the program version and the schema revision, then exit"),
    )
