#!/usr/bin/env python3
"""Generates randomized_response_rdp_mpmath.csv: the Renyi divergence of binary randomized
response with parameter eps (p = e^eps / (1 + e^eps)), the RDP of the worst eps-DP mechanism
(Mironov 2017, Prop. 5), and its zCDP parameter eps * tanh(eps / 2) = sup over alpha > 1 of
D_alpha / alpha (the Kullback-Leibler divergence, reached as alpha -> 1).

D_alpha = log((e^{alpha eps} + e^{(1 - alpha) eps}) / (1 + e^eps)) / (alpha - 1), at 60 digits.
The script checks that D_alpha <= min(eps, alpha eps^2 / 2) and D_alpha <= alpha eps tanh(eps/2).
Run: python3 generate_randomized_response_rdp.py > randomized_response_rdp_mpmath.csv
(mpmath 1.3.0 used).
"""
import mpmath as mp

mp.mp.dps = 60

EPSILONS = ["1e-9", "1e-4", "0.01", "0.05", "0.1", "0.3", "0.5", "1", "2", "3", "5", "10", "30"]
ORDERS = ["1.02", "1.1", "1.5", "2", "3.7", "8", "16", "32", "64", "256", "1024"]


def rdp(alpha, eps):
    return mp.log((mp.exp(alpha * eps) + mp.exp((1 - alpha) * eps)) / (1 + mp.exp(eps))) / (alpha - 1)


print("epsilon,order,rdp_mpmath,zcdp_rho_mpmath")
for eps_text in EPSILONS:
    eps = mp.mpf(eps_text)
    rho = eps * mp.tanh(eps / 2)
    for alpha_text in ORDERS:
        alpha = mp.mpf(alpha_text)
        value = rdp(alpha, eps)
        assert value <= min(eps, alpha * eps ** 2 / 2), (eps_text, alpha_text)
        assert value <= alpha * rho, (eps_text, alpha_text)
        print(f"{eps_text},{alpha_text},{mp.nstr(value, 20)},{mp.nstr(rho, 20)}")
