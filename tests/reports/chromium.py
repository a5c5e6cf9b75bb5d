"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: no
port, no network). Headless windows are at least 500px wide, so a phone is emulated with
Emulation.setDeviceMetricsOverride, which also applies the page's meta viewport."""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")

# Measured after the load event: the page's width against the viewport, and which elements
# stick out of it; plus what page scripts could have changed (title, scripts, on* handlers).
PROBE = """(() => {
  const root = document.documentElement, wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''));
  }
  const handlers = [...document.querySelectorAll('*')].filter(
    el => [...el.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length;
  const brokenImages = [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length;
  return {inner: window.innerWidth, scroll: root.scrollWidth, title: document.title,
          scripts: document.scripts.length, handlers, images: document.images.length,
          brokenImages, wide: wide.slice(0, 20), pwned: window.__pwned || null,
          text: document.body.innerText};
})()"""


class ChromiumError(RuntimeError):
    pass


class Chromium:
    """One browser process; `inspect(url, width, height, mobile)` → probe dict (+ PNG)."""

    def __init__(self, binary: Path = CHROMIUM, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="claimwatch-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4; park both ends high first
        # so that dup2 into 3 and 4 cannot clobber one with the other.
        high_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 20)
        high_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 20)

        def wire():
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [str(binary), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-sync", "--mute-audio",
             f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire)
        for fd in (to_chrome_r, from_chrome_w, high_r, high_w):
            os.close(fd)
        self._next_id, self._buffer, self._events = 0, b"", []

    # -- protocol -------------------------------------------------------------------------
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        reply = self._wait(lambda m: m.get("id") == self._next_id)
        if "error" in reply:
            raise ChromiumError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def _wait(self, match, deadline: float | None = None) -> dict:
        deadline = deadline or time.monotonic() + self.timeout
        for i, event in enumerate(self._events):
            if match(event):
                return self._events.pop(i)
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if match(message):
                    return message
                self._events.append(message)
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise ChromiumError("Chromium did not answer in time" if left <= 0 else
                                    f"Chromium exited ({self.proc.returncode})")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise ChromiumError("Chromium closed the pipe")
                self._buffer += chunk

    # -- pages ----------------------------------------------------------------------------
    def inspect(self, url: str, width: int, height: int, mobile: bool = False,
                screenshot: Path | None = None) -> dict:
        """Load `url` in a viewport of width × height CSS pixels, return the probe, and
        optionally save a full-page screenshot."""
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            self._send("Page.enable", session=session)
            self._send("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile,
                "screenWidth": width, "screenHeight": height}, session)
            self._send("Page.navigate", {"url": url}, session)
            self._wait(lambda m: m.get("method") == "Page.loadEventFired"
                       and m.get("sessionId") == session)
            probe = self._send("Runtime.evaluate", {"expression": PROBE, "returnByValue": True},
                               session)["result"]["value"]
            if screenshot is not None:
                size = self._send("Page.getLayoutMetrics", session=session)["cssContentSize"]
                shot = self._send("Page.captureScreenshot", {
                    "format": "png", "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": width,
                             "height": min(int(size["height"]), 16000), "scale": 1}}, session)
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                screenshot.write_bytes(base64.b64decode(shot["data"]))
            return probe
        finally:
            self._send("Target.closeTarget", {"targetId": target})

    def close(self) -> None:
        try:
            os.close(self._to_chrome)  # Chromium exits when its command pipe closes
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        finally:
            os.close(self._from_chrome)
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
