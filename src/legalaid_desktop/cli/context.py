"""What every command needs: the data folder, who the user is, passwords, output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legalaid_desktop import app
from legalaid_desktop.domain.errors import AuthenticationError, InputRejected, LegalAidError
from legalaid_desktop.i18n import _


@dataclass
class Output:
    """A command's result: ``data`` for ``--json``, ``text`` for people."""

    data: Any
    text: str = ""
    exit_code: int = 0


@dataclass
class CliContext:
    data_dir: Path
    user: str | None
    json: bool
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> CliContext:
        data_dir = Path(args.data_dir).expanduser() if args.data_dir else app.default_data_dir()
        return cls(
            data_dir=data_dir, user=args.user or os.environ.get("LEGALAID_USER"), json=args.json
        )

    # -- credentials --------------------------------------------------------------------------

    def _prompt(self, prompt: str, missing: LegalAidError) -> str:
        """A no-echo prompt on a terminal, else one line of standard input.

        Raises:
            LegalAidError: ``missing``, when standard input is not a terminal and ends at once
                (a script that set no variable and piped nothing): no login is tried with an
                empty password, which would count as a failed attempt.
        """
        if sys.stdin is None or not sys.stdin.isatty():
            line = sys.stdin.readline() if sys.stdin is not None else ""
            if not line:
                raise missing
            return line.rstrip("\r\n")
        return getpass.getpass(prompt)

    def _secret(self, variable: str, prompt: str, missing: LegalAidError) -> str:
        """The value of the environment ``variable``, else :meth:`_prompt`."""
        value = self.env.get(variable)
        return value if value is not None else self._prompt(prompt, missing)

    def password(self) -> str:
        """``LEGALAID_PASSWORD``, else a no-echo prompt."""
        missing = AuthenticationError(
            _("No password was given: set LEGALAID_PASSWORD or write it on standard input.")
        )
        return self._secret("LEGALAID_PASSWORD", _("Password: "), missing)

    def new_password(self) -> str:
        """``LEGALAID_NEW_PASSWORD``, else prompted twice."""
        if "LEGALAID_NEW_PASSWORD" in self.env:
            return self.env["LEGALAID_NEW_PASSWORD"]
        missing = InputRejected(
            _("No new password was given: set LEGALAID_NEW_PASSWORD or write it on standard input.")
        )
        first = self._prompt(_("New password: "), missing)
        once = InputRejected(
            _(
                "The new password was given only once: write it on two lines of standard input, "
                "or set LEGALAID_NEW_PASSWORD."
            )
        )
        second = self._prompt(_("Repeat the new password: "), once)
        if first != second:
            raise InputRejected(_("The two passwords differ."))
        return first

    def recovery_key(self) -> str:
        """``LEGALAID_RECOVERY_KEY``, else a no-echo prompt."""
        missing = AuthenticationError(
            _("No recovery key was given: set LEGALAID_RECOVERY_KEY or write it on standard input.")
        )
        return self._secret("LEGALAID_RECOVERY_KEY", _("Recovery key: "), missing)

    def username(self) -> str:
        """``--user``, else ``LEGALAID_USER``, else the only user, else asked for."""
        if self.user:
            return self.user
        names = app.known_usernames(self.data_dir)
        if len(names) == 1:
            return names[0]
        if sys.stdin is not None and sys.stdin.isatty():
            return input(_("User name: ")).strip()
        raise AuthenticationError(_("Several users exist: say which with --user or LEGALAID_USER."))

    @contextmanager
    def session(self) -> Iterator[app.AppSession]:
        """Log in and yield the user's services; the store is closed afterwards."""
        username = self.username()
        session = app.login(self.data_dir, username, self.password())
        try:
            yield session
        finally:
            session.close()


def emit(ctx: CliContext, out: Output) -> None:
    if ctx.json:
        sys.stdout.write(json.dumps(out.data, ensure_ascii=False, indent=2, default=str) + "\n")
    elif out.text:
        sys.stdout.write(out.text.rstrip("\n") + "\n")
