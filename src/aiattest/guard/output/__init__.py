"""Scanners for model outputs: leakage, structure, groundedness, exfiltration, refusals."""
