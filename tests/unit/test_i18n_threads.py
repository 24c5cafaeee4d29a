"""A temporary language in one thread does not change the language of the others."""

from __future__ import annotations

import threading

from legalaid_desktop import i18n


def test_language_block_is_local_to_its_thread() -> None:
    i18n.set_language("az")
    inside = threading.Event()
    release = threading.Event()
    seen: list[str] = []

    def render_in_russian() -> None:
        with i18n.language("ru"):
            seen.append(i18n.current_language())
            inside.set()
            release.wait(5)
        seen.append(i18n.current_language())

    worker = threading.Thread(target=render_in_russian)
    worker.start()
    assert inside.wait(5)
    assert i18n.current_language() == "az"  # the window's thread is unaffected
    release.set()
    worker.join(5)
    assert seen == ["ru", "az"]
    i18n.set_language("en")
