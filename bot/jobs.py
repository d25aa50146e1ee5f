"""Thread pools that know when they are idle, and the app's own bounded job runner for slow work after an `ack()`.

Slow work (syncs, checks, Slack calls) never runs in bolt's lazy listeners: they share bolt's small listener pool,
and when slow work fills it, later requests miss Slack's 3-second ack. `JobRunner` runs `workers` jobs with at most
`queue` more waiting; beyond that `submit` refuses at once (returns False) so the listener can tell the person the
bot is busy instead of letting work pile up unseen. `Pool` is also bolt's listener executor, so shutting down (and
tests) can wait for every listener to finish its audit write.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from integration import telemetry

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


class Pool(ThreadPoolExecutor):
    """A ThreadPoolExecutor that counts the work submitted and not yet finished."""

    def __init__(self, workers: int, name: str) -> None:
        super().__init__(max_workers=workers, thread_name_prefix=name)
        self._idle = threading.Condition()
        self._active = 0

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._idle:
            self._active += 1
        try:
            # The submitter's log context (request, user, run) goes with the work to the pool's thread.
            context = contextvars.copy_context()
            future = super().submit(lambda: context.run(fn, *args, **kwargs))
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _: Any) -> None:
        with self._idle:
            self._active -= 1
            self._idle.notify_all()

    @property
    def active(self) -> int:
        with self._idle:
            return self._active

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is running or waiting, or `timeout` seconds pass; True when idle."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout=timeout)


class JobRunner:
    def __init__(self, *, workers: int = 4, queue: int = 32) -> None:
        self.pool = Pool(workers, "xerobot-job")
        self._slots = threading.BoundedSemaphore(workers + queue)

    def submit(
        self, name: str, job: Callable[[], None], *, on_error: Callable[[Exception], None] | None = None
    ) -> bool:
        """Run `job` soon; False (and nothing runs) when the runner is full. A job's exception is logged and
        handed to `on_error`, which can tell the person who asked."""
        if not self._slots.acquire(blocking=False):
            log.warning("Job runner full: refused %s", name)
            telemetry.JOBS_REFUSED.inc()
            return False
        try:
            self.pool.submit(self._run, name, job, on_error)
        except RuntimeError:  # shut down
            self._slots.release()
            return False
        return True

    def _run(self, name: str, job: Callable[[], None], on_error: Callable[[Exception], None] | None) -> None:
        try:
            job()
        except Exception as error:
            log.exception("Job %s failed", name)
            if on_error is not None:
                try:
                    on_error(error)
                except Exception:
                    log.exception("Reporting the failure of job %s failed too", name)
        finally:
            self._slots.release()

    @property
    def active(self) -> int:
        """Jobs running or waiting."""
        return self.pool.active

    def wait_idle(self, timeout: float) -> bool:
        return self.pool.wait_idle(timeout)

    def shutdown(self, *, wait: bool = True) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=not wait)
