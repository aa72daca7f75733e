"""Thread configurations for the PyTorch baselines (bench/pytorch_step.py, bench/pytorch_vae.py).

Debian's PyTorch runs its convolutions through OpenBLAS, which has a thread pool of its own beside
torch's: on two cores the fastest split is not known in advance, so each baseline is timed in every
configuration, each in a fresh process (OpenBLAS reads OPENBLAS_NUM_THREADS once, at start), and
the best is the figure compared with ganlite's.
"""
import os
import subprocess
import sys

CONFIGS = [
    ("torch threads 1, OpenBLAS threads 2", {"OPENBLAS_NUM_THREADS": "2"}, 1),
    ("torch threads 2, OpenBLAS threads 1", {"OPENBLAS_NUM_THREADS": "1"}, 2),
    ("torch threads 2, OpenBLAS default", {}, 2),
]


def time_every_config(script, child_args):
    """Runs `script child_args --child T` once per configuration; the child prints its median
    milliseconds per step as its last line. Prints each figure, then the best; returns the best."""
    results = []
    for name, env, threads in CONFIGS:
        e = dict(os.environ, **env)
        if not env:
            e.pop("OPENBLAS_NUM_THREADS", None)
        out = subprocess.run([sys.executable, script, *child_args, "--child", str(threads)], env=e, check=True,
                             capture_output=True, text=True)
        ms = float(out.stdout.strip().splitlines()[-1])
        results.append((ms, name))
        print(f"{name:40s} {ms:8.1f} ms/step", flush=True)
    best = min(results)
    print(f"{'best: ' + best[1]:40s} {best[0]:8.1f} ms/step")
    return best
