#!/usr/bin/env python3
"""Generates one_run_bounds_mpmath.csv: the p-value bound and the epsilon lower bound of one-run
auditing (Steinke, Nasr & Jagielski 2023, main theorem, (eps, delta) case), computed independently
of dp4j at 50 digits with mpmath:

  p(eps) = f(v) + 2 m delta max_{1 <= i <= v} (f(v - i) - f(v)) / i,
  f(v) = P[Binomial(r, e^eps / (1 + e^eps)) >= v],

and the lower bound = sup {eps : p(eps) < significance}, found by bisection to 1e-12 (p is
increasing in eps). The binomial tails are exact sums of the mass function at 50 digits.
Run: python3 generate_one_run_bounds.py > one_run_bounds_mpmath.csv  (mpmath 1.3.0 used).
"""
import mpmath as mp

mp.mp.dps = 50

# (canaries m, guesses r, correct v, delta, significance, epsilon for the p-value column)
CASES = [
    (10, 10, 10, "0", "0.05", "1"),
    (100, 100, 100, "0", "0.05", "3"),
    (1000, 100, 100, "1e-5", "0.05", "3"),
    (1000, 200, 169, "1e-5", "0.0166666666666666667", "1"),
    (1000, 200, 190, "1e-5", "0.0166666666666666667", "2"),
    (1000, 50, 48, "1e-5", "0.0166666666666666667", "2"),
    (1000, 100, 71, "1e-5", "0.0166666666666666667", "0.5"),
    (2000, 400, 363, "1e-5", "0.0166666666666666667", "2"),
    (50, 20, 17, "0.001", "0.05", "1"),
    (5, 3, 2, "0.1", "0.05", "0"),
    (2, 2, 2, "0.01", "0.05", "1.0986122886681098"),
    (1000, 1000, 1000, "1e-6", "0.05", "5"),
]


def p_value(m, r, v, eps, delta):
    q = mp.e**eps / (1 + mp.e**eps)
    mass = [mp.binomial(r, k) * q**k * (1 - q) ** (r - k) for k in range(r + 1)]
    f_v = mp.fsum(mass[max(v, 0):])
    best, window = mp.mpf(0), mp.mpf(0)
    for i in range(1, v + 1):
        window += mass[v - i]  # f(v - i) - f(v) = P[v - i <= X < v]
        best = max(best, window / i)
    return min(mp.mpf(1), f_v + 2 * m * delta * best)


def lower_bound(m, r, v, delta, significance):
    if not p_value(m, r, v, mp.mpf(0), delta) < significance:
        return mp.mpf(0)
    low, high = mp.mpf(0), mp.mpf(1)
    while p_value(m, r, v, high, delta) < significance:
        low, high = high, 2 * high
    while high - low > mp.mpf("1e-12"):
        middle = (low + high) / 2
        if p_value(m, r, v, middle, delta) < significance:
            low = middle
        else:
            high = middle
    return low


print("canaries,guesses,correct,delta,significance,epsilon,p_value_mpmath,lower_bound_mpmath")
for m, r, v, delta_text, significance_text, eps_text in CASES:
    delta, significance, eps = mp.mpf(delta_text), mp.mpf(significance_text), mp.mpf(eps_text)
    print(
        f"{m},{r},{v},{delta_text},{significance_text},{eps_text},"
        f"{mp.nstr(p_value(m, r, v, eps, delta), 17)},"
        f"{mp.nstr(lower_bound(m, r, v, delta, significance), 17)}"
    )
