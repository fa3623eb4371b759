#!/usr/bin/env python3
"""One training step of the benchmarked networks in PyTorch and in dp4j, back to back.

Times PyTorch's non-private step (forward, backward, Adam) of the two networks of
org.dp4j.bench.dl4j.BenchNetworks (MLP 784-256-10 and the Fashion-MNIST CNN: 3x3x16 conv, 2x2
max pool, 3x3x32 conv, dense 32, all tanh, 10-way softmax; batch 256 of 28x28 inputs), then runs
dp4j's TrainingStepBenchmark (privateStep, enginePlainStep, nonPrivateStep) through JMH with the
same thread count, and prints the medians and the ratios to PyTorch's step.

Not run in CI. Needs `pip install torch` (CPU wheel) and dp-bench/target/benchmarks.jar:

    python3 dp-bench/pytorch/step_vs_pytorch.py --threads 1
    python3 dp-bench/pytorch/step_vs_pytorch.py --threads 2

--threads N sets torch.set_num_threads(N) (and torch's interop threads) for PyTorch, and
OMP_NUM_THREADS, SD_MAX_THREADS and SD_MASTER_THREADS (ND4J's own thread settings) for the JMH
forks. --skip-jmh times PyTorch only; --json FILE keeps JMH's JSON; --models and --benchmarks
(comma-separated) restrict the networks and the dp4j benchmarks, e.g. --models CNN
--benchmarks privateStep for the two-thread figure.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

BATCH = 256
SIDE = 28
CLASSES = 10


def build(model):
    import torch.nn as nn
    if model == "MLP":
        return nn.Sequential(nn.Flatten(), nn.Linear(SIDE * SIDE, 256), nn.Tanh(),
                             nn.Linear(256, CLASSES))
    return nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.Tanh(), nn.MaxPool2d(2, 2),
        nn.Conv2d(16, 32, 3), nn.Tanh(), nn.Flatten(),
        nn.Linear(32 * 11 * 11, 32), nn.Tanh(), nn.Linear(32, CLASSES))


def torch_step_ms(model, warmup, steps, rounds):
    """Median and min of per-step milliseconds over `rounds` rounds of `steps` steps."""
    import torch
    torch.manual_seed(7)
    net = build(model)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss(reduction="mean")
    x = torch.rand(BATCH, 1, SIDE, SIDE)
    y = torch.randint(0, CLASSES, (BATCH,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        optimizer.step()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(rounds):
        for _ in range(steps):
            start = time.perf_counter()
            step()
            times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), min(times), len(times)


def jmh(jar, threads, json_file, forks, warmup, iterations, models, benchmarks):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), SD_MAX_THREADS=str(threads),
               SD_MASTER_THREADS=str(threads))
    command = ["java", "-Djmh.ignoreLock=true", "-jar", jar,
               "TrainingStepBenchmark.(" + "|".join(benchmarks) + ")$",
               "-p", "model=" + ",".join(models),
               "-f", str(forks), "-wi", str(warmup), "-i", str(iterations), "-w", "2", "-r", "2",
               "-rf", "json", "-rff", json_file]
    print("$ " + " ".join(command), file=sys.stderr, flush=True)
    subprocess.run(command, env=env, check=True, stdout=sys.stderr)
    with open(json_file) as f:
        results = json.load(f)
    out = {}
    for r in results:
        name = r["benchmark"].rsplit(".", 1)[1]
        raw = [v for fork in r["primaryMetric"]["rawData"] for v in fork]
        out[(name, r["params"]["model"])] = (statistics.median(raw), min(raw), len(raw))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--jar", default="dp-bench/target/benchmarks.jar")
    parser.add_argument("--skip-jmh", action="store_true")
    parser.add_argument("--json", default=None)
    parser.add_argument("--forks", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=6)
    parser.add_argument("--iterations", type=int, default=6)
    parser.add_argument("--models", default="MLP,CNN")
    parser.add_argument("--benchmarks", default="privateStep,enginePlainStep,nonPrivateStep")
    args = parser.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(args.threads)
    except RuntimeError:
        pass
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"load average {os.getloadavg()}", flush=True)
    models = args.models.split(",")
    benchmarks = args.benchmarks.split(",")
    torch_ms = {m: torch_step_ms(m, warmup=20, steps=30, rounds=3) for m in models}
    rows = []
    for m in models:
        med, low, n = torch_ms[m]
        rows.append((m, "PyTorch non-private step", med, low, n))
    if not args.skip_jmh:
        json_file = args.json or tempfile.mktemp(suffix=".json")
        dp4j = jmh(args.jar, args.threads, json_file, args.forks, args.warmup, args.iterations,
                   models, benchmarks)
        names = {"privateStep": "dp4j private step", "enginePlainStep": "dp4j engine non-private step",
                 "nonPrivateStep": "DL4J fit (non-private)"}
        for m in models:
            for bench in benchmarks:
                med, low, n = dp4j[(bench, m)]
                rows.append((m, names[bench], med, low, n))
    print(f"load average after: {os.getloadavg()}")
    print()
    print(f"| model | step ({args.threads} thread{'s' if args.threads > 1 else ''}) "
          "| median ms | min ms | samples | median / PyTorch median |")
    print("|---|---|---|---|---|---|")
    for m, name, med, low, n in rows:
        ratio = med / torch_ms[m][0]
        print(f"| {m} | {name} | {med:.1f} | {low:.1f} | {n} | {ratio:.2f} |")
    medians = {(m, name): med for m, name, med, _, _ in rows}
    for m in models:
        private = medians.get((m, "dp4j private step"))
        plain = medians.get((m, "dp4j engine non-private step"))
        if private is not None and plain is not None:
            print(f"{m}: dp4j private / engine non-private step = {private / plain:.2f}")


if __name__ == "__main__":
    main()
