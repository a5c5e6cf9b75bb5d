"""A wall-clock deadline for each fetch attempt, enforced by shutting its socket down.

The per-read timeout restarts with every byte, so a server that drips its status line or
headers a byte a second (slow loris) could hold a fetch for as long as it liked: the body
loop's deadline check in crawler/fetch.py runs only once the headers are in. One daemon
thread watches every attempt's deadline; when one passes, the attempt's connection is shut
down and the blocked read returns at once.

    with Attempt(seconds) as watch:   # connections the pools below hand out are watched
        ...
    watch.expired                     # True when the deadline cut the attempt
"""
from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time

import urllib3

_CURRENT = threading.local()  # .attempt: the Attempt this thread is running


class Attempt:
    """One attempt's deadline and the connection it is using (its latest hop's: earlier hops'
    connections are back in their pool, possibly serving someone else, and are left alone)."""

    def __init__(self, seconds: float):
        self.seconds, self.conn = seconds, None
        self.expired = self.done = False
        self._lock = threading.Lock()

    def __enter__(self) -> "Attempt":
        # Attempts nest: a redirect's robots.txt is fetched within the page's attempt.
        self._outer = getattr(_CURRENT, "attempt", None)
        _CURRENT.attempt = self
        self._entry = WATCHDOG.arm(self.seconds, self.cut)
        return self

    def __exit__(self, *exc) -> None:
        _CURRENT.attempt = self._outer
        with self._lock:
            self.done = True
        WATCHDOG.disarm(self._entry)

    def cut(self) -> None:
        with self._lock:
            if self.done:
                return
            self.expired = True
            sock = getattr(self.conn, "sock", None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)  # a blocked recv returns at once
                except OSError:
                    pass
        if sock is None:  # still connecting (bounded by connect_timeout): cut it once it is up
            WATCHDOG.arm(0.05, self.cut)


class _WatchedPool:
    """Registers each connection it hands out with the calling thread's attempt."""

    def _get_conn(self, timeout=None):
        conn = super()._get_conn(timeout)
        attempt = getattr(_CURRENT, "attempt", None)
        if attempt is not None:
            attempt.conn = conn
        return conn

    def _put_conn(self, conn) -> None:
        # Fix (review): a connection back in the pool may serve another thread next, so the
        # attempt forgets it and a late cut cannot shut a socket that is no longer its own.
        attempt = getattr(_CURRENT, "attempt", None)
        if attempt is not None:
            with attempt._lock:
                if attempt.conn is conn:
                    attempt.conn = None
        super()._put_conn(conn)


class WatchedHTTPPool(_WatchedPool, urllib3.HTTPConnectionPool):
    pass


class WatchedHTTPSPool(_WatchedPool, urllib3.HTTPSConnectionPool):
    pass


class Watchdog:
    """One daemon thread that calls each armed callback at its deadline, unless it was
    disarmed first (a thread per request would cost more than most requests take)."""

    def __init__(self):
        self._heap: list[list] = []  # [deadline, seq, callback or None once disarmed]
        self._cv = threading.Condition()
        self._seq = itertools.count()
        self._pid = None

    def arm(self, delay: float, callback) -> list:
        entry = [time.monotonic() + delay, next(self._seq), callback]
        with self._cv:
            if self._pid != os.getpid():  # first use, or a forked child without the thread
                self._pid, self._heap = os.getpid(), []
                threading.Thread(target=self._run, name="fetch-watchdog", daemon=True).start()
            heapq.heappush(self._heap, entry)
            self._cv.notify()
        return entry

    def disarm(self, entry: list) -> None:
        with self._cv:
            entry[2] = None
            self._cv.notify()

    def _run(self) -> None:
        with self._cv:
            while True:
                while self._heap and self._heap[0][2] is None:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cv.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cv.wait(wait)
                    continue
                callback = heapq.heappop(self._heap)[2]
                self._cv.release()
                try:
                    callback()
                except Exception:  # a watchdog that died would leave every later fetch uncut
                    pass
                finally:
                    self._cv.acquire()


WATCHDOG = Watchdog()
