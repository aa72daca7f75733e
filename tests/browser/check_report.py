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
import os
import shutil
import subprocess
import sys
import tempfile

from devtools import Browser, check, failures, find_chromium, screenshot_of, summary, take_screenshot


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--screenshot":
        return screenshot_of(os.path.join(sys.argv[2], "index.html"), sys.argv[3])
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
            text = b.eval("document.body.textContent")
            check("export --checkpoint %s/checkpoint_epoch_%04d.ckpt --html page" % (run_dir, epochs) in text and "--out generator.onnx" in text,
                  "the page names the commands that export the finished run's generator (ONNX, the browser page)")
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
    return summary()


if __name__ == "__main__":
    sys.exit(main())
