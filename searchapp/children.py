"""Child processes that die with their parent, writers that yield the CPU to serving, and
memory handed back to the system.

A rebuild forks writer subprocesses (whoosh) and people-extraction workers. If the parent is
killed (kill -9, OOM killer), nothing tells them: they sat on their queues for a minute,
holding files of a generation that the next build was about to clean up. On Linux the
kernel can send them SIGKILL the moment their parent dies (prctl PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

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


# what a build or add that stopped part way left behind, in each message that says it stopped
WHAT_A_STOP_KEEPS = ("a rebuild leaves the live index as it was; an add keeps the batches it "
                     "committed")


class WorkerLost(RuntimeError):
    """A local enrichment process died (kill -9, the OOM killer) with a batch in hand."""


_interrupted = False  # a Ctrl-C was received; its KeyboardInterrupt may have been lost


def _on_interrupt(signum, frame):
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def catch_interrupts() -> None:
    """Ctrl-C raises KeyboardInterrupt as usual and is also remembered, for
    `raise_if_interrupted` (not where SIGINT is ignored, as in a background job).

    Python drops an exception raised in a fork hook: a Ctrl-C that arrived while a build
    forked a worker (logging's at-fork lock release) was lost, and the build ran on to the
    end instead of stopping."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_interrupt)
        sys.unraisablehook = functools.partial(_quiet_lost_interrupt, sys.unraisablehook)


def _quiet_lost_interrupt(default, unraisable) -> None:
    """No "Exception ignored" traceback for the lost KeyboardInterrupt: it is raised again."""
    if not (_interrupted and isinstance(unraisable.exc_value, KeyboardInterrupt)):
        default(unraisable)


def raise_if_interrupted() -> None:
    """Raise KeyboardInterrupt again if a Ctrl-C came and was lost; called between batches."""
    if _interrupted:
        raise KeyboardInterrupt


def interrupt_handled() -> None:
    """The command has answered the Ctrl-C (printed, cleaned up): forget it."""
    global _interrupted
    _interrupted = False


AUTOGROUP_SWITCH = Path("/proc/sys/kernel/sched_autogroup_enabled")
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def run_niced(run: Callable[[], int], nice: int, own_group: bool = True) -> int:
    """`run()` at CPU niceness `nice` in a way that holds against other sessions; its exit
    status.

    Linux's autogroup scheduling (on here and on many servers and desktops) shares the CPU
    between sessions first and applies niceness only between processes of one session.
    `searchapp index add` from cron or another terminal than the server's is another
    session: at niceness 10 it took as much CPU as all the workers together. So with
    autogroups `run` goes to a forked child in a session of its own, whose group niceness
    it sets (/proc/self/autogroup), leaving the caller's terminal session as it was. The
    parent forwards SIGINT, SIGTERM and SIGHUP to it (the terminal's Ctrl-C reaches only the
    parent now), suspends it with itself on Ctrl-Z (SIGTSTP) and resumes it on SIGCONT, and
    the child dies with the parent. `own_group=False` (a caller that is not
    the command's own process, such as a test calling the CLI in-process) only renices."""
    if nice <= 0 or not own_group or not autogroups_enabled():
        return _niced(run, nice)
    pid = os.fork()
    if pid == 0:  # the child: a session and a scheduler group of its own
        code = 1
        try:
            os.setsid()
            die_with_parent()
            try:
                Path("/proc/self/autogroup").write_text(str(nice))
            except OSError:
                pass
            code = _niced(run, nice)
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(code)
    previous = {sig: signal.signal(sig, lambda signum, _frame: os.kill(pid, signum))
                for sig in FORWARDED_SIGNALS}
    previous[signal.SIGTSTP] = signal.signal(signal.SIGTSTP, lambda *_: _suspend_both(pid))
    previous[signal.SIGCONT] = signal.signal(signal.SIGCONT,
                                             lambda *_: os.kill(pid, signal.SIGCONT))
    try:
        _, status = os.waitpid(pid, 0)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code  # killed by a signal: the shell's convention


def _suspend_both(child: int) -> None:
    """Ctrl-Z (SIGTSTP) on a command whose work runs in a child of its own session: stop the
    child, then this process, so the terminal's job is suspended as a whole; SIGCONT (`fg`,
    `bg`) is forwarded to the child. Without it the shell said "Stopped" while the build
    ran on, and went live, in its own session. SIGSTOP, not SIGTSTP, stops this process:
    the kernel drops SIGTSTP in an orphaned process group (a command started from a script
    whose shell has exited)."""
    os.kill(child, signal.SIGSTOP)
    os.kill(os.getpid(), signal.SIGSTOP)


def _niced(run: Callable[[], int], nice: int) -> int:
    try:
        os.nice(nice)
    except OSError:
        pass
    return run()


def autogroups_enabled() -> bool:
    """Whether the kernel shares the CPU by session first (autogroup scheduling)."""
    try:
        return AUTOGROUP_SWITCH.read_text().strip() == "1"
    except OSError:
        return False


def release_freed_memory() -> None:
    """Give the C allocator's freed pages back to the system (glibc's malloc_trim).

    Opening a snapshot builds large temporaries (union sets, decoded value lists, pair
    arrays) and frees them; glibc keeps the freed pages in the process, so a worker stayed
    at its peak (236 MB instead of 154 MB at 187,770 articles). Elsewhere a no-op."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, looked up once (each ctypes.CDLL builds new classes, which only
    the cyclic garbage collector frees), or None elsewhere."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_last_release = [0.0]


def release_freed_memory_now_and_then(interval: float = 1.0) -> None:
    """`release_freed_memory` at most once per `interval` seconds (after requests).

    A request's temporaries (masks, scores, decoded stored fields) are freed when it ends,
    but glibc keeps the pages: a worker at 187,770 articles held 29 MB more after 400
    queries than after a trim. A trim costs about a millisecond; once a second is free."""
    now = time.monotonic()
    if now - _last_release[0] >= interval:
        _last_release[0] = now
        release_freed_memory()
