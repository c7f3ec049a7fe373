"""Child processes that die with their parent.

A rebuild forks writer subprocesses (whoosh) and people-extraction workers. If the parent is
killed (kill -9, OOM killer), nothing tells them: they sat on their queues for a minute,
holding files of a generation that the next build was about to clean up. On Linux the
kernel can send them SIGKILL the moment their parent dies (prctl PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Call first thing in a forked child: SIGKILL it when the parent process exits."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
