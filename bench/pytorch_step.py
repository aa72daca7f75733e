#!/usr/bin/env python3
"""The seed DCGAN's training step in PyTorch, for a side-by-side with BM_TrainStep.

Same model, same step as ganlite's DcganTrainer::train_step: Keras defaults (Glorot-uniform
kernels, zero biases, BatchNorm momentum 0.99 / eps 1e-3, LeakyReLU 0.3, Dropout 0.3, Adam 1e-4
with eps 1e-7), G forward, D on real and fake, both backward passes, both Adam updates.

Runs every thread configuration in a fresh process (OpenBLAS reads its thread count at start)
and prints the median milliseconds per step of each, then the best.
Usage: /usr/bin/python3 bench/pytorch_step.py [--batch 256] [--steps 10]   (Debian python3-torch)
"""
import argparse
import time

from torch_threads import time_every_config


def run_one(batch, steps, torch_threads):
    import torch
    from torch import nn

    torch.manual_seed(0)
    torch.set_num_threads(torch_threads)

    def keras_init(m):
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)

    class Reshape(nn.Module):
        def forward(self, x):
            return x.view(-1, 256, 7, 7)

    bn = dict(momentum=0.01, eps=1e-3)
    gen = nn.Sequential(
        nn.Linear(100, 7 * 7 * 256, bias=False), nn.BatchNorm1d(7 * 7 * 256, **bn), nn.LeakyReLU(0.3), Reshape(),
        nn.ConvTranspose2d(256, 128, 5, 1, padding=2, bias=False), nn.BatchNorm2d(128, **bn), nn.LeakyReLU(0.3),
        nn.ConvTranspose2d(128, 64, 5, 2, padding=2, output_padding=1, bias=False), nn.BatchNorm2d(64, **bn), nn.LeakyReLU(0.3),
        nn.ConvTranspose2d(64, 1, 5, 2, padding=2, output_padding=1, bias=False), nn.Tanh())
    disc = nn.Sequential(
        nn.Conv2d(1, 64, 5, 2, padding=2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
        nn.Conv2d(64, 128, 5, 2, padding=2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
        nn.Flatten(), nn.Linear(7 * 7 * 128, 1))
    gen.apply(keras_init)
    disc.apply(keras_init)
    g_opt = torch.optim.Adam(gen.parameters(), lr=1e-4, eps=1e-7)
    d_opt = torch.optim.Adam(disc.parameters(), lr=1e-4, eps=1e-7)
    bce = nn.BCEWithLogitsLoss()
    real = torch.tanh(torch.randn(batch, 1, 28, 28))
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)

    def step():
        z = torch.randn(batch, 100)
        fake = gen(z)
        real_out = disc(real)
        fake_out = disc(fake)
        g_loss = bce(fake_out, ones)
        d_loss = bce(real_out, ones) + bce(fake_out, zeros)
        g_opt.zero_grad()
        d_opt.zero_grad()
        g_grads = torch.autograd.grad(g_loss, list(gen.parameters()), retain_graph=True)
        d_grads = torch.autograd.grad(d_loss, list(disc.parameters()))
        for p, g in zip(gen.parameters(), g_grads):
            p.grad = g
        for p, g in zip(disc.parameters(), d_grads):
            p.grad = g
        g_opt.step()
        d_opt.step()

    step()  # warm-up
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    return 1000 * times[len(times) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(f"{run_one(args.batch, args.steps, args.child):.1f}")
        return
    import torch
    print(f"PyTorch {torch.__version__}, batch {args.batch}, median of {args.steps} steps")
    time_every_config(__file__, ["--batch", str(args.batch), "--steps", str(args.steps)])


if __name__ == "__main__":
    main()
