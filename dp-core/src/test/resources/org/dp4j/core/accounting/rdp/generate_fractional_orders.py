#!/usr/bin/env python3
"""Generates fractional_orders_mpmath.csv: per-step RDP of the Poisson-subsampled Gaussian at
fractional orders of dp4j's default grid that sgm_rdp_curve.csv does not cover.

Ground truth: log(A)/(alpha - 1) with A = E_{z ~ N(0, sigma^2)}[(1 - q + q exp((2z - 1)/(2 sigma^2)))^alpha]
(Mironov, Talwar & Zhang 2019), by mpmath.quad at 60 significant digits, split at the
integrand's features. The script fails if mpmath's error estimate exceeds 1e-30 relative to A - 1.
Run: python3 generate_fractional_orders.py > fractional_orders_mpmath.csv (mpmath 1.2.1 used).
"""
import mpmath as mp

mp.mp.dps = 60

QS = ["1e-6", "0.001", "256/60000", "0.05", "0.5"]
SIGMAS = ["0.5", "1.1", "4", "20"]
ORDERS = ["1.02", "1.04", "1.08", "3.7", "5.5", "7.3", "9.9", "10.9"]


def as_mpf(text):
    if "/" in text:
        num, den = text.split("/")
        return mp.mpf(num) / mp.mpf(den)
    return mp.mpf(text)


def rdp(q, sigma, alpha):
    def integrand(z):
        return mp.npdf(z, 0, sigma) * ((1 - q) + q * mp.e ** ((2 * z - 1) / (2 * sigma ** 2))) ** alpha

    points = sorted({-mp.inf, -12 * sigma, mp.mpf(0), mp.mpf("0.5"), mp.mpf(1), mp.mpf(2),
                     alpha, alpha + 12 * sigma, mp.inf})
    a, err = mp.quad(integrand, points, error=True, maxdegree=10)
    if err > mp.mpf("1e-30") * (a - 1):
        raise SystemExit("quadrature error too large at %s %s %s: %s" % (q, sigma, alpha, err))
    return mp.log(a) / (alpha - 1)


print("q,q_label,sigma,order,rdp_per_step_mpmath")
for q_label in QS:
    q = as_mpf(q_label)
    for s in SIGMAS:
        for o in ORDERS:
            value = rdp(q, mp.mpf(s), mp.mpf(o))
            # q as the double nearest to the exact rate, printed with 17 digits (round-trips)
            print("%s,%s,%s,%s,%s" % (repr(float(q)), q_label, s, o, mp.nstr(value, 20)))
