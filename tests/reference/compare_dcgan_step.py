#!/usr/bin/env python3
"""Repeats ganlite's DCGAN training steps in PyTorch and compares every number.

Usage: compare_dcgan_step.py DUMP_BINARY WORK_DIR
Runs DUMP_BINARY (tests/reference/dcgan_step_dump.cpp) to write ganlite's initial weights, inputs,
step-1 gradients and step-3 weights into WORK_DIR, then rebuilds the same model in PyTorch
(float64, written from the TensorFlow tutorial's definition, not from ganlite's code) and
repeats the three steps:
  z, real -> fake = G(z) -> D(real), D(fake) -> D loss, G loss -> both gradients -> Keras Adam.
Exits 1 if any comparison exceeds its tolerance (stated below), 0 otherwise.

Layouts and conventions that differ between the two, handled here:
  * ganlite is NHWC with Keras kernel layouts: Dense (in, out), Conv2D (KH, KW, C, F),
    Conv2DTranspose (KH, KW, F, C); PyTorch is NCHW with (F, C, KH, KW) / (C, F, KH, KW).
  * 'same' padding with stride 2 follows TensorFlow: total padding 3 for a 5x5 kernel, 1 before
    and 2 after (PyTorch's padding=2 would centre it differently), so convolutions pad explicitly
    and transposed convolutions are cropped [1 : 1 + out].
  * Reshape and Flatten order features as (H, W, C).
  * BatchNorm's running variance follows Keras' non-fused formula (biased batch variance);
    PyTorch's own running_var would use the unbiased one, so the statistics are tracked here.
"""
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

# Tolerances, relative to the largest magnitude in each tensor (float32 ganlite vs float64 PyTorch).
LOSS_RTOL = 1e-5      # losses and mean D outputs
GRAD_RTOL = 1e-4      # every parameter gradient of step 1
STAT_RTOL = 1e-5      # BatchNorm running statistics after step 1
LR = 1e-4
# After 3 Adam steps each weight has moved by at most 3 lr. Weights whose gradient is tiny move by
# sign(g) * lr where the sign can differ between float32 and float64, so the weights are compared
# in units of lr: the median difference must be below 1e-3 lr and the largest below 0.05 lr
# (measured: median ≤ 3.3e-4 lr, max ≤ 1.7e-3 lr; no sign flips on this input).
PARAM_MEDIAN_LR, PARAM_MAX_LR = 1e-3, 0.05


def load(work, stage):
    names, shapes = [], []
    for line in open(f"{work}/{stage}.txt"):
        parts = line.split()
        names.append(parts[0])
        shapes.append(tuple(int(d) for d in parts[1:]))
    flat = np.fromfile(f"{work}/{stage}.f32", dtype="<f4")
    out, at = {}, 0
    for n, s in zip(names, shapes):
        size = int(np.prod(s))
        out[n] = torch.from_numpy(flat[at:at + size].reshape(s).astype(np.float64))
        at += size
    assert at == flat.size, f"{stage}: {flat.size - at} values left over"
    return out


def to_oihw(w):  # Keras (KH, KW, a, b) -> PyTorch (b, a, KH, KW)
    return w.permute(3, 2, 0, 1)


class Model:
    """The seed DCGAN as a function of named tensors in ganlite's layouts."""

    G_BN = ("G.1", "G.5", "G.8")

    def __init__(self, init):
        self.p = {k: v.clone().requires_grad_(True) for k, v in init.items() if not k.endswith(("mean", "var"))}
        self.stats = {k: v.clone() for k, v in init.items() if k.endswith(("mean", "var"))}

    def g_params(self):
        return [k for k in self.p if k.startswith("G.")]

    def d_params(self):
        return [k for k in self.p if k.startswith("D.")]

    def bn(self, x, layer, dims):
        # Training-mode batch norm (batch statistics, biased variance, eps 1e-3) through F.batch_norm;
        # the running statistics follow Keras: momentum 0.99, biased variance.
        p = self.p
        y = F.batch_norm(x, None, None, p[layer + ".0"], p[layer + ".1"], training=True, eps=1e-3)
        with torch.no_grad():
            mu, var = x.mean(dims), x.var(dims, unbiased=False)
            self.stats[layer + ".mean"].mul_(0.99).add_(0.01 * mu)
            self.stats[layer + ".var"].mul_(0.99).add_(0.01 * var)
        return y

    def generator(self, z):
        p, lrelu = self.p, lambda t: F.leaky_relu(t, 0.3)
        B = z.shape[0]
        h = lrelu(self.bn(z @ p["G.0.0"], "G.1", 0))
        h = h.view(B, 7, 7, 256).permute(0, 3, 1, 2)
        h = lrelu(self.bn(F.conv_transpose2d(h, to_oihw(p["G.4.0"]), stride=1, padding=2), "G.5", (0, 2, 3)))
        h = F.conv_transpose2d(h, to_oihw(p["G.7.0"]), stride=2)[:, :, 1:15, 1:15]
        h = lrelu(self.bn(h, "G.8", (0, 2, 3)))
        h = F.conv_transpose2d(h, to_oihw(p["G.10.0"]), stride=2)[:, :, 1:29, 1:29]
        return torch.tanh(h)  # (B, 1, 28, 28)

    def discriminator(self, x):
        p, lrelu = self.p, lambda t: F.leaky_relu(t, 0.3)
        h = lrelu(F.conv2d(F.pad(x, (1, 2, 1, 2)), to_oihw(p["D.0.0"]), p["D.0.1"], stride=2))
        h = lrelu(F.conv2d(F.pad(h, (1, 2, 1, 2)), to_oihw(p["D.3.0"]), p["D.3.1"], stride=2))
        h = h.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        return h @ p["D.7.0"] + p["D.7.1"]


class KerasAdam:
    """Keras' Adam: p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)."""

    def __init__(self, params, lr=LR, b1=0.9, b2=0.999, eps=1e-7):
        self.params, self.lr, self.b1, self.b2, self.eps, self.t = params, lr, b1, b2, eps, 0
        self.m = [torch.zeros_like(q) for q in params]
        self.v = [torch.zeros_like(q) for q in params]

    @torch.no_grad()
    def step(self, grads):
        self.t += 1
        alpha = self.lr * (1 - self.b2 ** self.t) ** 0.5 / (1 - self.b1 ** self.t)
        for q, g, m, v in zip(self.params, grads, self.m, self.v):
            m.mul_(self.b1).add_((1 - self.b1) * g)
            v.mul_(self.b2).add_((1 - self.b2) * g * g)
            q.sub_(alpha * m / (v.sqrt() + self.eps))


failures = []


def check(what, ours, ref, rtol):
    scale = max(ref.abs().max().item(), 1e-30)
    err = (ours - ref).abs().max().item() / scale
    ok = err <= rtol
    if not ok:
        failures.append(what)
    print(f"{'ok  ' if ok else 'FAIL'} {what:<28} max |ganlite - torch| / max|torch| = {err:.2e} (tolerance {rtol:.0e})")


def check_keras_init(init):
    """Keras' defaults before any step: Glorot-uniform kernels, zero biases, BatchNorm gamma 1,
    beta 0, running mean 0 and variance 1."""
    for k, t in init.items():
        layer, what = k.rsplit(".", 1)
        if t.dim() >= 2:  # kernel: Dense (in, out) or conv (KH, KW, a, b)
            rf = int(np.prod(t.shape[:-2]))
            limit = (6.0 / (rf * (t.shape[-2] + t.shape[-1]))) ** 0.5
            # uniform(-limit, limit): every value inside, standard deviation limit / sqrt(3) (within
            # 3 % for these sizes, the smallest kernel has 1,600 values)
            ok = t.abs().max().item() <= limit and abs(t.std().item() / (limit / 3 ** 0.5) - 1) < 0.03
            desc = f"Glorot-uniform, limit {limit:.4f}"
        else:
            expect = 1.0 if (what == "var" or (what == "0" and layer in Model.G_BN)) else 0.0
            ok = bool((t == expect).all())
            desc = f"all {expect:g}"
        if not ok:
            failures.append(f"initial {k}")
        print(f"{'ok  ' if ok else 'FAIL'} initial {k:<20} {desc}")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare_dcgan_step.py DUMP_BINARY WORK_DIR")
    binary, work = sys.argv[1], sys.argv[2]
    subprocess.run([binary, work], check=True)
    init, inputs = load(work, "init"), load(work, "inputs")
    step1, step3 = load(work, "step1"), load(work, "step3")

    check_keras_init(init)
    model = Model(init)
    gk, dk = model.g_params(), model.d_params()
    g_opt = KerasAdam([model.p[k] for k in gk])
    d_opt = KerasAdam([model.p[k] for k in dk])
    ours_losses = step3["losses"]
    for s in range(3):
        z = inputs[f"noise.{s}"]
        real = inputs[f"real.{s}"].reshape(-1, 1, 28, 28)  # NHWC with C = 1 is NCHW
        fake = model.generator(z)
        real_logits, fake_logits = model.discriminator(real), model.discriminator(fake)
        bce = F.binary_cross_entropy_with_logits
        d_loss = bce(real_logits, torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))
        g_loss = bce(fake_logits, torch.ones_like(fake_logits))
        d_grads = torch.autograd.grad(d_loss, [model.p[k] for k in dk], retain_graph=True)
        g_grads = torch.autograd.grad(g_loss, [model.p[k] for k in gk])
        ref = torch.tensor([d_loss.item(), g_loss.item(), torch.sigmoid(real_logits).mean().item(),
                            torch.sigmoid(fake_logits).mean().item()], dtype=torch.float64)
        check(f"step {s + 1} D loss, G loss, D(x), D(G(z))", ours_losses[s], ref, LOSS_RTOL)
        if s == 0:
            for k, g in zip(gk + dk, g_grads + d_grads):
                check(f"step 1 gradient {k}", step1[k], g, GRAD_RTOL)
            for k in model.stats:
                check(f"step 1 BatchNorm {k}", step1[k], model.stats[k], STAT_RTOL)
        g_opt.step(g_grads)
        d_opt.step(d_grads)

    for k in gk + dk:
        diff = (step3[k] - model.p[k].detach()).abs() / LR
        med, mx = diff.median().item(), diff.max().item()
        ok = med <= PARAM_MEDIAN_LR and mx <= PARAM_MAX_LR
        if not ok:
            failures.append(f"step 3 weights {k}")
        print(f"{'ok  ' if ok else 'FAIL'} step 3 weights {k:<14} |ganlite - torch| / lr: median {med:.1e}, max {mx:.1e}")
    for k in model.stats:
        check(f"step 3 BatchNorm {k}", step3[k], model.stats[k], STAT_RTOL)

    if failures:
        print(f"{len(failures)} comparisons failed: {', '.join(failures)}")
        sys.exit(1)
    print("ganlite's training step matches PyTorch")


if __name__ == "__main__":
    main()
