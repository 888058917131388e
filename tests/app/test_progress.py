"""Progress of long steps: a bar with the remaining time on a terminal, quarter lines in the log elsewhere."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from app.logs import close_logging, setup_logging
from app.progress import progress


class Terminal(io.StringIO):
    """A console someone is watching."""

    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def closed() -> Iterator[None]:
    yield
    close_logging()


def test_on_a_terminal_a_bar_with_the_remaining_time_and_messages_above_it():
    screen = Terminal()
    log = setup_logging(None, screen, quiet=False, verbose=False)
    seen = []
    for n in progress(range(3), "Lettres Word", stream=screen):
        seen.append(n)
        if n == 1:
            log.warning("Client sans email : C3")
    assert seen == [0, 1, 2]
    text = screen.getvalue()
    assert "Lettres Word : 100 % |████████████████████| 3/3 — temps restant 00:00" in text
    # the warning is on a line of its own: the bar is wiped, the message written, the bar redrawn
    assert "\rClient sans email : C3\n\r  Lettres Word :" in text
    assert screen.getvalue().endswith("\n")
    assert log.handlers[0].stream is screen  # given back after the bar


def test_quiet_or_verbose_on_a_terminal_draws_no_bar():
    for quiet, verbose in ((True, False), (False, True)):
        screen = Terminal()
        setup_logging(None, screen, quiet=quiet, verbose=verbose)
        assert list(progress(range(3), "Lettres Word", stream=screen)) == [0, 1, 2]
        assert "|" not in screen.getvalue()


def test_elsewhere_plain_log_lines_at_each_quarter_with_the_time_left():
    console = io.StringIO()  # a file, the Task Scheduler: not a terminal
    setup_logging(None, console, quiet=False, verbose=False)
    now = [0.0]
    items = []
    for item in progress(range(20), "Envoi des emails", stream=console, clock=lambda: now[0]):
        items.append(item)
        now[0] += 3  # each email takes 3 s
    assert items == list(range(20))
    assert console.getvalue().splitlines() == [
        "Envoi des emails (20)",
        "Envoi des emails : 5/20, temps restant environ 45 s",
        "Envoi des emails : 10/20, temps restant environ 30 s",
        "Envoi des emails : 15/20, temps restant environ 15 s",
    ]


def test_a_short_step_logs_its_start_only_and_an_old_console_gets_plain_blocks():
    console = io.StringIO()
    setup_logging(None, console, quiet=False, verbose=False)
    assert list(progress(["a", "b"], "Lettres Word", stream=console)) == ["a", "b"]
    assert console.getvalue() == "Lettres Word (2)\n"
    close_logging()

    class OldConsole(Terminal):
        encoding = "cp850"

    screen = OldConsole()
    setup_logging(None, screen, quiet=False, verbose=False)
    list(progress(range(4), "Lettres Word", stream=screen))
    assert "█" not in screen.getvalue() and "4/4" in screen.getvalue()
    assert logging.getLogger("relance").handlers[0].stream is screen
