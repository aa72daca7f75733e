#!/usr/bin/env python3
"""The anchor and the speed baseline for ganlite's VAE (docs/results.md, docs/vae.md), in PyTorch.

--model mlp   PyTorch's well-known MNIST VAE example, written again here: an MLP 784-400-(20, 20),
              decoder 20-400-784, ReLU, sigmoid output; loss = BCE summed over pixels + KL; Adam 1e-3;
              batch 128. Trains --epochs epochs on the training set of --data (IDX files, read with
              numpy) and prints, per epoch, its time and the test set's negative ELBO in nats per image
              (one draw of eps per image, as the example's test loss).
--model conv  the same convolutional VAE as ganlite's (ganlite/models/vae.hpp, latent 16): encoder
              Conv2D 64 and 128 5x5 stride 2, LeakyReLU 0.3, Dense 2L; decoder Dense 7*7*256 without
              bias, BatchNorm (Keras momentum 0.99, eps 1e-3), LeakyReLU, ConvTranspose 128/64/1 5x5;
              Adam 1e-3 eps 1e-7; batch 128; trained the same way, to time its epoch beside
              mnist_vae's on the same cores.
--steps N     times N training steps instead, in each of bench/torch_threads.py's thread
              configurations (a fresh process each), and prints the median of each and the best.
Pixels are p / 255 in [0, 1], read as Bernoulli probabilities (as ganlite's (x + 1) / 2).
Usage: /usr/bin/python3 bench/pytorch_vae.py --model mlp --epochs 30 [--data data/mnist] [--threads 2]
       /usr/bin/python3 bench/pytorch_vae.py --model conv --steps 30
"""
import argparse
import gzip
import os
import struct
import time

import numpy as np

from torch_threads import time_every_config


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(data_dir, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(data_dir, name)
        if os.path.exists(p):
            return p
    raise SystemExit(f"{data_dir}: no {stem} or {stem}.gz")


def load(data_dir, prefix):
    images = read_idx(find(data_dir, f"{prefix}-images-idx3-ubyte")).astype(np.float32) / 255.0
    labels = read_idx(find(data_dir, f"{prefix}-labels-idx1-ubyte"))
    return images, labels


def models(kind):
    import torch
    from torch import nn

    class MlpVae(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc21, self.fc22 = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
            self.fc3, self.fc4 = nn.Linear(20, 400), nn.Linear(400, 784)

        def forward(self, x):
            h = torch.relu(self.fc1(x.view(-1, 784)))
            mu, logvar = self.fc21(h), self.fc22(h)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            return self.fc4(torch.relu(self.fc3(z))).view(-1, 1, 28, 28), mu, logvar

    class Reshape(nn.Module):
        def forward(self, x):
            return x.view(-1, 256, 7, 7)

    class ConvVae(nn.Module):
        def __init__(self, latent=16):
            super().__init__()
            bn = dict(momentum=0.01, eps=1e-3)
            self.latent = latent
            self.enc = nn.Sequential(nn.Conv2d(1, 64, 5, 2, padding=2), nn.LeakyReLU(0.3), nn.Conv2d(64, 128, 5, 2, padding=2),
                                     nn.LeakyReLU(0.3), nn.Flatten(), nn.Linear(7 * 7 * 128, 2 * latent))
            self.dec = nn.Sequential(
                nn.Linear(latent, 7 * 7 * 256, bias=False), nn.BatchNorm1d(7 * 7 * 256, **bn), nn.LeakyReLU(0.3), Reshape(),
                nn.ConvTranspose2d(256, 128, 5, 1, padding=2, bias=False), nn.BatchNorm2d(128, **bn), nn.LeakyReLU(0.3),
                nn.ConvTranspose2d(128, 64, 5, 2, padding=2, output_padding=1, bias=False), nn.BatchNorm2d(64, **bn), nn.LeakyReLU(0.3),
                nn.ConvTranspose2d(64, 1, 5, 2, padding=2, output_padding=1))
            for m in self.modules():
                if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
                    nn.init.xavier_uniform_(m.weight)
                    if m.bias is not None:
                        nn.init.zeros_(m.bias)

        def forward(self, x):
            h = self.enc(x)
            mu, logvar = h[:, :self.latent], h[:, self.latent:]
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            return self.dec(z), mu, logvar

    return MlpVae() if kind == "mlp" else ConvVae()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=["mlp", "conv"], required=True)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mnist"))
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--steps", type=int, default=0, help="time this many steps in each thread configuration (no test ELBO)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.steps and not args.child:
        import torch
        print(f"PyTorch {torch.__version__}, {args.model} VAE, batch 128, median of {args.steps - 1} steps after the first")
        time_every_config(__file__, ["--model", args.model, "--data", args.data, "--steps", str(args.steps),
                                     "--seed", str(args.seed)])
        return
    if args.child:
        args.threads = args.child

    import torch
    import torch.nn.functional as F

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train_x, _ = load(args.data, "train")
    test_x, _ = load(args.data, "t10k")
    train_t = torch.from_numpy(train_x.copy()).view(-1, 1, 28, 28)
    test_t = torch.from_numpy(test_x.copy()).view(-1, 1, 28, 28)
    model = models(args.model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7 if args.model == "conv" else 1e-8)

    def loss_of(x):
        logits, mu, logvar = model(x)
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return rec + kl

    print(f"PyTorch {torch.__version__}, {args.model} VAE, batch 128, {args.threads} threads, {len(train_t)} training images from {args.data}")
    batch = 128
    step_times = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(train_t))
        t0 = time.perf_counter()
        total = 0.0
        for i, b in enumerate(range(0, len(train_t), batch)):
            if args.steps and i >= args.steps:
                break
            s0 = time.perf_counter()
            x = train_t[order[b:b + batch]]
            loss = loss_of(x)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            step_times.append(time.perf_counter() - s0)
        seconds = time.perf_counter() - t0
        if args.steps:
            times = sorted(step_times[1:])
            print(f"{1000 * times[len(times) // 2]:.1f}")
            return
        model.eval()
        with torch.no_grad():
            test_total = sum(loss_of(test_t[b:b + 1000]).item() for b in range(0, len(test_t), 1000))
        print(f"epoch {epoch}: {seconds:.1f} s, training negative ELBO {total / len(train_t):.3f}, "
              f"test negative ELBO {test_total / len(test_t):.3f} nats per image", flush=True)


if __name__ == "__main__":
    main()
