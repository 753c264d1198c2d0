"""Ctrl-C that no library can swallow.

beancount's parser records an exception raised inside its grammar callbacks as a load error and
parses on, so a Ctrl-C during the parse became "the books have 23 errors". While :func:`caught`
is active (``kop`` runs every command inside it), SIGINT both raises :class:`KeyboardInterrupt`
and remembers that it came; :func:`check`, called right after each parse
(:mod:`kopledger.books.beancount_api`), raises it again if the parser swallowed it. Outside
:func:`caught` (the library, the web desk) nothing changes and :func:`check` never raises.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

_pending = [False]


def _handler(signum: int, frame: FrameType | None) -> None:
    _pending[0] = True
    if _in_finalizer(frame):
        # Python ignores (and prints) an exception raised in a ``__del__``: deliver it again shortly
        threading.Timer(0.01, os.kill, (os.getpid(), signal.SIGINT)).start()
        return
    raise KeyboardInterrupt


def _in_finalizer(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def caught() -> Iterator[None]:
    """While inside, a SIGINT is remembered as well as raised (main thread only; a SIGINT the
    process was started to ignore stays ignored); the previous handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        yield
        return
    _pending[0] = False
    signal.signal(signal.SIGINT, _handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _pending[0] = False


def check() -> None:
    """Raise :class:`KeyboardInterrupt` if a Ctrl-C came (inside :func:`caught`) and was swallowed."""
    if _pending[0]:
        raise KeyboardInterrupt
