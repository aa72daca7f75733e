#!/usr/bin/env python3
"""Opens a training run's index.html in headless Chromium and checks what a person would see.

    check_report.py MNIST_DCGAN_BINARY WORK_DIR [SCREENSHOT.png]
    check_report.py --screenshot RUN_DIR SCREENSHOT.png     (only a screenshot of a run's page)

Trains a short run (512 images, 3 epochs of 8 steps) into WORK_DIR/run, then loads
WORK_DIR/run/index.html from file:// and checks, in the page as Chromium renders it:
  - the page loads with no script error and no console error;
  - every image has loaded (naturalWidth > 0) and the shown grid is the newest epoch's;
  - each chart draws one point per training step for each series (24 steps here);
  - the slider, moved with the arrow keys and by dragging its value, changes the shown grid and
    the URL (#epoch=E), and a reload keeps the chosen epoch;
  - hovering a chart shows the values under the pointer;
  - a URL whose hash is not valid (#epoch=%) still shows the page;
  - a run planned for 100000 epochs and stopped at 3 draws its charts over 3 epochs;
and writes a screenshot of the whole page.

Chromium is driven through its DevTools protocol over a pipe (--remote-debugging-pipe: JSON
messages ending in a NUL byte on file descriptors 3 and 4), so nothing beyond Python's standard
library is needed. Exit status: 0 passed, 1 a check failed, 77 no Chromium here (CTest: skipped).
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
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


def take_screenshot(b, path, width=1400):
    """The whole page as it opens, at the given width."""
    height = b.eval("document.documentElement.scrollHeight")
    b.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": int(height), "deviceScaleFactor": 1, "mobile": False})
    with open(path, "wb") as f:
        f.write(base64.b64decode(b.send("Page.captureScreenshot", {"format": "png"})["data"]))


def screenshot_only(run_dir, path):
    chromium = find_chromium()
    if not chromium:
        print("no Chromium on this machine")
        return 77
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(chromium, profile, os.devnull)
        try:
            b.open_page()
            b.navigate("file://" + os.path.abspath(os.path.join(run_dir, "index.html")))
            take_screenshot(b, path)
        finally:
            b.close()
    print("wrote " + path)
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--screenshot":
        return screenshot_only(sys.argv[2], sys.argv[3])
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    binary, work = sys.argv[1], sys.argv[2]
    screenshot = sys.argv[3] if len(sys.argv) > 3 else os.path.join(work, "report.png")
    chromium = find_chromium()
    if not chromium:
        print("SKIPPED: no Chromium on this machine (Debian: apt-get install chromium; scripts/install_deps.sh installs it)")
        return 77
    run_dir = os.path.join(work, "run")
    shutil.rmtree(run_dir, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    epochs, steps_per_epoch = 3, 8
    subprocess.run([binary, "--out", run_dir, "--limit", "512", "--batch", "64", "--epochs", str(epochs),
                    "--checkpoint-every", "1", "--threads", "2"], check=True, stdout=subprocess.DEVNULL, timeout=600)
    page = "file://" + os.path.abspath(os.path.join(run_dir, "index.html"))

    with tempfile.TemporaryDirectory() as profile:
        b = Browser(chromium, profile, os.path.join(work, "chromium.log"))
        try:
            b.open_page()
            b.navigate(page)
            check(b.eval("document.readyState") == "complete", "the page loads")
            check(b.eval("RUN.state") == "finished" and b.eval("document.querySelector('.state').textContent") == "finished",
                  "the run's state is shown as finished")
            imgs = b.eval("Promise.all(Array.from(document.images).map(i => i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; })))"
                          ".then(() => Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth]))")
            check(len(imgs) >= 1 and all(w > 0 for _, w in imgs), "every image has loaded: %s" % imgs)
            check(b.eval("document.getElementById('grid').getAttribute('src')") == "image_at_epoch_%04d.png" % epochs,
                  "the newest epoch's grid is shown")
            points = b.eval("Array.from(document.querySelectorAll('svg polyline.raw')).map(p => [p.dataset.series, p.points.numberOfItems])")
            check(len(points) == 4 and all(n == epochs * steps_per_epoch for _, n in points),
                  "each chart has one point per training step for each series: %s" % points)
            check(b.eval("document.querySelectorAll('svg polyline.smooth').length") == 4, "each series has a smoothed line")

            b.eval("document.activeElement && document.activeElement.blur()")
            b.key("ArrowLeft", 37)
            src, url = b.eval("[document.getElementById('grid').getAttribute('src'), location.hash]")
            check(src == "image_at_epoch_%04d.png" % (epochs - 1) and "epoch=%d" % (epochs - 1) in url,
                  "the left arrow key shows the epoch before, in the page and the URL: %s %s" % (src, url))
            b.eval("const s = document.getElementById('epochSlider'); s.value = 0; s.dispatchEvent(new Event('input'))")
            src, url = b.eval("[document.getElementById('grid').getAttribute('src'), location.hash]")
            check(src == "image_at_epoch_0001.png" and "epoch=1" in url, "moving the slider changes the grid and the URL: %s %s" % (src, url))
            b.eval("const m = document.getElementById('smooth'); m.value = 0.5; m.dispatchEvent(new Event('input'))")
            b.navigate()
            check(b.eval("document.getElementById('grid').getAttribute('src')") == "image_at_epoch_0001.png" and
                  abs(b.eval("+document.getElementById('smooth').value") - 0.5) < 1e-9, "a reload keeps the chosen epoch and smoothing")

            box = b.eval("(() => { const r = document.getElementById('lossChart').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()")
            b.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box[0] + box[2] * 0.5, "y": box[1] + box[3] * 0.5})
            readout = b.eval("document.getElementById('lossReadout').textContent")
            check(readout.startswith("epoch ") and "D loss" in readout and "G loss" in readout,
                  "the values under the pointer are shown: %r" % readout)

            # A cut or hand-edited URL must not blank the page: a bad escape in the hash is ignored.
            seen = len(b.errors())
            b.navigate("about:blank")  # (from the same page, a new fragment alone would not load it anew)
            b.navigate(page + "#epoch=%")
            check(b.eval("document.getElementById('grid').getAttribute('src')") == "image_at_epoch_%04d.png" % epochs and
                  len(b.errors()) == seen, "a URL with a broken escape (#epoch=%%) still shows the page: %s" % b.errors()[seen:])

            # A run asked for 100000 epochs and stopped at epoch 3: the charts span what exists.
            with open(os.path.join(run_dir, "index.html")) as f:
                html = f.read()
            planned = html.replace('"epochsTotal":%d' % epochs, '"epochsTotal":100000').replace('"state":"finished"', '"state":"stopped"')
            check(planned != html, "the page's data says its planned epochs")
            with open(os.path.join(run_dir, "planned.html"), "w") as f:
                f.write(planned)
            b.navigate("file://" + os.path.abspath(os.path.join(run_dir, "planned.html")))
            lines = b.eval("document.querySelectorAll('#lossChart line.epochline').length")
            check(lines == epochs + 1, "a run planned for 100000 epochs and stopped at %d draws %d epoch lines: %s" % (epochs, epochs + 1, lines))
            os.remove(os.path.join(run_dir, "planned.html"))

            b.navigate(page)  # the screenshot shows the page as it opens: the newest grid
            take_screenshot(b, screenshot)
            check(os.path.getsize(screenshot) > 10000, "a screenshot is written: " + screenshot)
            errors = b.errors()
            check(not errors, "no script or console error: %s" % errors)
        finally:
            b.close()
    print("checks: %d passed, %d failed" % (len(passes), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
