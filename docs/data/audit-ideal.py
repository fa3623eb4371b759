"""The idealized one-run audit of DP-SGD, for comparison with docs/audit.md's measured bounds.

Every canary alone in the subsampled Gaussian mechanism of the audited run (same noise multiplier,
sampling rate and steps, read from the dp4j audit --json lines), with no interference from
training examples and the exact noise level; scored by the same log likelihood ratio, guessed with
the same default plan (5%, 10%, 20% of the canaries, union bound), bounded by the same
Steinke-Nasr-Jagielski (epsilon, delta) theorem. This is what the (epsilon, delta) analysis can
prove from one run of a mechanism that leaks exactly its claim.

Usage: python3 docs/data/audit-ideal.py docs/data/audit-digits.jsonl REPETITIONS
"""

import json
import math
import sys

import numpy as np
from scipy.stats import binom


def p_value(m, r, v, eps, delta):
    p = math.exp(eps) / (1 + math.exp(eps))
    f = binom.sf(np.arange(0, v + 1) - 1, r, p)
    window = 0.0
    if v > 0 and delta > 0:
        i = np.arange(1, v + 1)
        window = np.max((f[v - i] - f[v]) / i)
    return min(1.0, f[v] + 2 * m * delta * window)


def lower_bound(m, r, v, delta, significance):
    if p_value(m, r, v, 0, delta) >= significance:
        return 0.0
    low, high = 0.0, 1.0
    while p_value(m, r, v, high, delta) < significance:
        low, high = high, 2 * high
    for _ in range(40):
        middle = (low + high) / 2
        if p_value(m, r, v, middle, delta) < significance:
            low = middle
        else:
            high = middle
    return low


def plan(m):
    rules = []
    for fraction in (0.05, 0.10, 0.20):
        side = max(1, round(m * fraction / 2))
        if (side, side) not in rules:
            rules.append((side, side))
    return rules


def one_audit(rng, m, z, q, steps, delta=1e-5, confidence=0.95):
    included = rng.random(m) < 0.5
    joins = (rng.random((m, steps)) < q) & included[:, None]
    x = rng.standard_normal((m, steps)) * z + joins  # in units of one clipped canary
    a = (x - 0.5) / z**2
    score = np.where(
        a > 0,
        a + np.log(q + (1 - q) * np.exp(-np.abs(a))),
        np.log1p(q * np.expm1(np.minimum(a, 0))),
    ).sum(axis=1)
    order = np.argsort(score)
    rules = plan(m)
    significance = (1 - confidence) / len(rules)
    best = 0.0
    for top, bottom in rules:
        correct = included[order[-top:]].sum() + (~included[order[:bottom]]).sum()
        best = max(best, lower_bound(m, top + bottom, int(correct), delta, significance))
    return best


def main():
    rng = np.random.default_rng(1)
    settings = {}
    for line in open(sys.argv[1]):
        d = json.loads(line)
        if d["canary_kind"] == "gradient" and "understated_noise_factor" not in d:
            key = (round(d["claimed_epsilon"], 2), d["canaries"])
            settings[key] = (d["noise_multiplier"], d["sampling_rate"], d["steps"])
    print("| claimed epsilon | m | idealized bound: mean (min-max) |")
    print("|---|---|---|")
    for (eps, m), (z, q, steps) in sorted(settings.items()):
        bounds = [one_audit(rng, m, z, q, steps) for _ in range(int(sys.argv[2]))]
        print(f"| {eps:g} | {m} | {np.mean(bounds):.3f} ({np.min(bounds):.3f}-{np.max(bounds):.3f}) |")


if __name__ == "__main__":
    main()
