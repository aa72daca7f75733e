"""Headless Chromium for ganlite's page tests (check_report.py, check_web_page.py), driven through
its DevTools protocol over a pipe (--remote-debugging-pipe: JSON messages ending in a NUL byte on
file descriptors 3 and 4), so nothing beyond Python's standard library is needed.
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

TIMEOUT = 60  # seconds for any one browser answer: a hang fails the test instead of stalling it


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """A headless Chromium and one page in it, spoken to over the DevTools pipe."""

    def __init__(self, binary, profile_dir, log_path):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def place_fds():  # in the child: its fd 3 reads our commands, its fd 4 takes its answers
            r, w = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)  # (via fds >= 10: a pipe end may itself be fd 3 or 4)
            os.dup2(w, 4)

        flags = [
            "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
            "--user-data-dir=" + profile_dir, "--no-first-run", "--no-default-browser-check",
            # a closed network: nothing of Chromium's own calls out
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
            "--disable-client-side-phishing-detection", "--metrics-recording-only", "--no-pings",
            "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
            "--hide-scrollbars", "--window-size=1400,1000", "about:blank",
        ]
        self.proc = subprocess.Popen([binary] + flags, close_fds=False, preexec_fn=place_fds,
                                     stdout=subprocess.DEVNULL, stderr=open(log_path, "w"))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.time()
            if left <= 0 or not select.select([self.from_chrome], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in %d s" % TIMEOUT)
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe (exit status %s)" % self.proc.poll())
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method, params=None, session=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + TIMEOUT
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method):
        deadline = time.time() + TIMEOUT
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                del self.events[i]
                return m
        while True:
            m = self._read_message(deadline)
            if m.get("method") == method:
                return m
            self.events.append(m)

    def open_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(domain + ".enable")
        self.send("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False})

    def navigate(self, url=None):
        """Loads url, or reloads the page as it is (its URL and fragment kept) when url is None."""
        self.events = [m for m in self.events if m.get("method") != "Page.loadEventFired"]
        self.send("Page.navigate", {"url": url}) if url else self.send("Page.reload")
        self.wait_event("Page.loadEventFired")

    def eval(self, expression):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("evaluating %r: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")

    def key(self, key, code):
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code})

    def errors(self):
        """Script exceptions and console or log errors seen so far."""
        out = []
        for m in self.events:
            p = m.get("params", {})
            if m.get("method") == "Runtime.exceptionThrown":
                out.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:400])
            elif m.get("method") == "Runtime.consoleAPICalled" and p.get("type") == "error":
                out.append("console.error: " + json.dumps(p.get("args", []))[:400])
            elif m.get("method") == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append("log error: " + p["entry"].get("text", "")[:400])
        return out

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


failures = []
passes = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    (passes if ok else failures).append(what)


def summary():
    """Says how many checks passed and failed; the exit status: 1 if any failed."""
    print("checks: %d passed, %d failed" % (len(passes), len(failures)))
    return 1 if failures else 0


def take_screenshot(b, path, width=1400):
    """The whole page as it opens, at the given width."""
    height = b.eval("document.documentElement.scrollHeight")
    b.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": int(height), "deviceScaleFactor": 1, "mobile": False})
    with open(path, "wb") as f:
        f.write(base64.b64decode(b.send("Page.captureScreenshot", {"format": "png"})["data"]))


def screenshot_of(page, path, width=1400, prepare=None):
    """Only a screenshot: opens page (a file) in a fresh headless Chromium, lets prepare(browser)
    set it up, and writes the whole page, as tall as its content, to path. 77: no Chromium."""
    chromium = find_chromium()
    if not chromium:
        print("no Chromium on this machine")
        return 77
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(chromium, profile, os.devnull)
        try:
            b.open_page()
            b.navigate("file://" + os.path.abspath(page))
            if prepare:
                prepare(b)
            # a short window first, so that the page's own height (not the window's) sets the picture's
            b.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": 100, "deviceScaleFactor": 1, "mobile": False})
            take_screenshot(b, path, width)
        finally:
            b.close()
    print("wrote " + path)
    return 0
