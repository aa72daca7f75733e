#!/usr/bin/env python3
"""Opens the page `mnist_dcgan export --html` writes in headless Chromium and checks it draws what
the programs draw.

    check_web_page.py MNIST_DCGAN_BINARY WORK_DIR [SCREENSHOT.png]
    check_web_page.py --screenshot PAGE_DIR SCREENSHOT.png [TEXT]   (only a screenshot of a page)

Trains two short runs (256 images, one epoch): a conditional one and an unconditional one, and
exports each as a page. Then, in Chromium, from file:// (no server):
  - the page loads with no script error and no console error, and fetches nothing but its own
    files (file:, blob:, data: URLs only);
  - typing a line into the text box writes it: every image equals `write --text LINE --float` on
    the same hand (the first image included) within 1e-4, and a space is a black cell;
  - "Another hand" draws `write --seed 2`'s hand; the slider's far end draws the hand after it;
  - text that isn't digits is refused in the page's status line, not by an error;
  - a reload keeps the line, the hand and the slider (in the URL);
  - the unconditional page's grid equals `generate --count 16 --float`, and "New noise" draws
    `generate --seed 2`'s;
and, served by `python3 -m http.server` (the README's fallback), the page draws the same line.
Also: export --html without ONNX Runtime Web's files is refused by name, before any work.
Exit status: 0 passed, 1 a check failed, 77 no Chromium or no ONNX export here (CTest: skipped).
"""
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

from devtools import Browser, check, failures, find_chromium, screenshot_of, summary, take_screenshot

TOLERANCE = 1e-4
VISIBLE = "document.getElementById('%s').getClientRects().length > 0"  # laid out, not hidden


def read_float_idx(path):
    data = open(path, "rb").read()
    zero, kind, dims = struct.unpack(">HBB", data[:4])
    assert zero == 0 and kind == 0x0D, "%s is not a float32 IDX file" % path
    shape = struct.unpack(">%dI" % dims, data[4:4 + 4 * dims])
    count = 1
    for d in shape:
        count *= d
    return struct.unpack(">%df" % count, data[4 + 4 * dims:])


def max_diff(a, b):
    return max(abs(x - y) for x, y in zip(a, b)) if len(a) == len(b) else float("inf")


def run(*args):
    return subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_images(b):
    return b.eval("ganlitePage.settled().then(() => Array.from(ganlitePage.images))")


def click(b, element_id):
    box = b.eval("(() => { const r = document.getElementById('%s').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()" % element_id)
    for kind in ("mousePressed", "mouseReleased"):
        b.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1})


def type_text(b, text):
    b.eval("(() => { const t = document.getElementById('text'); t.focus(); t.select(); })()")
    b.send("Input.insertText", {"text": text})


def requests(b):
    return [m["params"]["request"]["url"] for m in b.events if m.get("method") == "Network.requestWillBeSent"]


def screenshot_only(page_dir, path, text):
    def prepare(b):
        b.eval("ganlitePage.ready")
        if text is not None:
            type_text(b, text)
        page_images(b)
    return screenshot_of(os.path.join(page_dir, "index.html"), path, 1000, prepare)


def main():
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--screenshot":
        return screenshot_only(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) == 5 else None)
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    binary, work = sys.argv[1], os.path.abspath(sys.argv[2])
    screenshot = sys.argv[3] if len(sys.argv) > 3 else os.path.join(work, "web_page.png")
    chromium = find_chromium()
    if not chromium:
        print("SKIPPED: no Chromium on this machine (Debian: apt-get install chromium; scripts/install_deps.sh installs it)")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    runs = {}
    for name, extra in (("conditional", ["--conditional"]), ("unconditional", [])):
        folder = os.path.join(work, name)
        subprocess.run([binary, "--out", folder, "--limit", "256", "--batch", "64", "--epochs", "1", "--threads", "2"] + extra,
                       check=True, stdout=subprocess.DEVNULL, timeout=600)
        runs[name] = os.path.join(folder, "checkpoint_epoch_0001.ckpt")
    cond, uncond = runs["conditional"], runs["unconditional"]

    missing = run(binary, "export", "--checkpoint", cond, "--html", os.path.join(work, "no_page"), "--ort-web", work)
    if "built without ONNX" in missing.stderr:
        print("SKIPPED: this mnist_dcgan was built without ONNX export")
        return 77
    check(missing.returncode == 1 and "ONNX Runtime Web's package.json is not in " + work in missing.stderr and not os.path.exists(os.path.join(work, "no_page")),
          "export --html without ONNX Runtime Web's files is refused by name, and writes nothing: %r" % missing.stderr.strip())
    neither = run(binary, "export", "--checkpoint", cond)
    check(neither.returncode == 2 and "--out G.onnx, --html DIR" in neither.stderr, "export with neither --out nor --html is refused: %r" % neither.stderr.strip())

    pages = {}
    for name, ckpt in runs.items():
        pages[name] = os.path.join(work, name + "_page")
        r = run(binary, "export", "--checkpoint", ckpt, "--html", pages[name])
        if r.returncode != 0 and "ONNX Runtime Web's" in r.stderr:
            print("SKIPPED: ONNX Runtime Web is not installed (scripts/install_deps.sh installs it): " + r.stderr.strip())
            return 77
        check(r.returncode == 0 and os.path.isfile(os.path.join(pages[name], "index.html")), "export --html writes the %s page: %s" % (name, r.stderr.strip()))
    if failures:
        return 1

    def written(text, seed):
        path = os.path.join(work, "line.idx")
        r = run(binary, "write", "--checkpoint", cond, "--text", text, "--seed", str(seed), "--out", path, "--float")
        assert r.returncode == 0, r.stderr
        return read_float_idx(path)

    def generated(seed):
        path = os.path.join(work, "grid.idx")
        r = run(binary, "generate", "--checkpoint", uncond, "--count", "16", "--seed", str(seed), "--out", path, "--float")
        assert r.returncode == 0, r.stderr
        return read_float_idx(path)

    with tempfile.TemporaryDirectory() as profile:
        b = Browser(chromium, profile, os.path.join(work, "chromium.log"))
        try:
            b.open_page()
            b.send("Network.enable")
            b.navigate("file://" + os.path.join(pages["conditional"], "index.html"))
            check(b.eval("ganlitePage.ready.then(() => 'ready', e => 'failed: ' + e)") == "ready", "the conditional page loads its model from file://")

            check(b.eval(VISIBLE % "text") is True and b.eval(VISIBLE % "newNoise") is False, "a conditional page shows its text box and not the grid's button")
            type_text(b, "7 1")
            images, want = page_images(b), written("7 1", 1)
            check(len(images) == 3 * 784 and max_diff(images, want) <= TOLERANCE and all(v == -1 for v in images[784:2 * 784]),
                  "typing \"7 1\" writes it as write does, a space as a black cell (max diff %.2g)" % max_diff(images, want))
            type_text(b, "2026 12 06")
            images, want = page_images(b), written("2026 12 06", 1)
            check(max_diff(images[:784], want[:784]) <= TOLERANCE, "the first image equals write's on the same noise (max diff %.2g)" % max_diff(images[:784], want[:784]))
            check(len(images) == 10 * 784 and max_diff(images, want) <= TOLERANCE, "the whole line \"2026 12 06\" equals write's (max diff %.2g)" % max_diff(images, want))
            check(b.eval("document.getElementById('command').textContent").endswith('--text "2026 12 06" --seed 1 --out line.png'),
                  "the page says the command that writes the same line")

            click(b, "anotherHand")
            images, want = page_images(b), written("2026 12 06", 2)
            check(b.eval("ganlitePage.state.seed") == 2 and max_diff(images, want) <= TOLERANCE,
                  "\"Another hand\" writes the line in write --seed 2's hand (max diff %.2g)" % max_diff(images, want))
            b.eval("document.getElementById('blend').focus()")
            b.key("End", 35)
            images, want = page_images(b), written("2026 12 06", 3)
            check(b.eval("ganlitePage.state.blend") == 100 and max_diff(images, want) <= TOLERANCE,
                  "the slider's far end is the next hand (seed 3; max diff %.2g)" % max_diff(images, want))
            b.key("ArrowLeft", 37)
            middle = page_images(b)
            check(b.eval("ganlitePage.state.blend") == 99 and 0 < max_diff(middle, want) and max_diff(middle, written("2026 12 06", 2)) > 0,
                  "a step back on the slider draws between the two hands")

            type_text(b, "12a")
            b.eval("ganlitePage.settled()")
            status = b.eval("[document.getElementById('status').textContent, document.getElementById('status').className]")
            check("\"a\" is not a digit" in status[0] and "error" in status[1], "text that isn't digits is refused in the status line: %r" % status[0])
            type_text(b, "42")
            page_images(b)
            b.navigate()
            b.eval("ganlitePage.ready")
            state = b.eval("[ganlitePage.state.text, ganlitePage.state.seed, ganlitePage.state.blend, document.getElementById('text').value]")
            check(state == ["42", 2, 99, "42"], "a reload keeps the line, the hand and the slider: %s" % state)

            type_text(b, "2026 12 06")
            b.eval("(() => { const s = document.getElementById('blend'); s.value = 0; s.dispatchEvent(new Event('input')); })()")
            page_images(b)
            take_screenshot(b, screenshot, width=1000)

            b.navigate("file://" + os.path.join(pages["unconditional"], "index.html"))
            check(b.eval("ganlitePage.ready.then(() => 'ready', e => 'failed: ' + e)") == "ready", "the unconditional page loads")
            images, want = page_images(b), generated(1)
            check(len(images) == 16 * 784 and max_diff(images, want) <= TOLERANCE,
                  "its grid equals generate --count 16 --seed 1 (max diff %.2g)" % max_diff(images, want))
            click(b, "newNoise")
            images, want = page_images(b), generated(2)
            check(max_diff(images, want) <= TOLERANCE, "\"New noise\" draws generate --seed 2's grid (max diff %.2g)" % max_diff(images, want))
            check(b.eval(VISIBLE % "text") is False and b.eval(VISIBLE % "newNoise") is True, "an unconditional page shows its button and no text box")

            check(not b.errors(), "no script error and no console error: %s" % b.errors())
            fetched = requests(b)
            foreign = [u for u in fetched if not u.startswith(("file:", "blob:", "data:"))]
            check(any(u.endswith("/ort/runtime.js") for u in fetched) and not foreign,
                  "nothing is fetched but the page's own files (%d requests seen): %s" % (len(fetched), foreign))

            # Served, as README says to where a browser won't run a page from file://.
            port = free_port()
            server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", pages["conditional"], str(port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                for _ in range(100):
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                        break
                    except OSError:
                        time.sleep(0.1)
                b.navigate("http://127.0.0.1:%d/#seed=1&text=2026+12+06" % port)
                check(b.eval("ganlitePage.ready.then(() => 'ready', e => 'failed: ' + e)") == "ready", "served over http, the page loads")
                images, want = page_images(b), written("2026 12 06", 1)
                check(max_diff(images, want) <= TOLERANCE, "served, it writes the same line (max diff %.2g)" % max_diff(images, want))
                check(not b.errors(), "served: no script error and no console error: %s" % b.errors())
            finally:
                server.terminate()
                server.wait()
        finally:
            b.close()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
