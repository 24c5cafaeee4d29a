"""The error families the front ends rely on: what ``except`` catches, which exit code."""

from __future__ import annotations

import pytest

from legalaid_desktop.domain import errors


def _subclasses(base: type[BaseException]) -> list[type[BaseException]]:
    found: list[type[BaseException]] = []
    todo = [base]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("cls", _subclasses(errors.BundleRejected), ids=lambda cls: cls.__name__)
def test_a_rejected_bundle_is_a_sync_error_that_exits_with_4(
    cls: type[errors.LegalAidError],
) -> None:
    """``except SyncError`` sees every rejected bundle; the CLI still exits with 4 (input
    rejected) for it."""
    assert issubclass(cls, errors.SyncError)
    assert cls.exit_code == 4
    try:
        raise cls()
    except errors.SyncError as caught:
        assert caught.exit_code == 4


def test_the_other_sync_exit_codes_stay() -> None:
    assert errors.AlreadyImported.exit_code == 0
    assert errors.NotEnrolled.exit_code == 1
    assert errors.InputRejected.exit_code == 4
