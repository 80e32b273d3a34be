"""Audit of fitted models: certificates (and, later, baselines, assumptions, drift)."""

from .certify import Certificate, CertificateRow, certify

__all__ = ["certify", "Certificate", "CertificateRow"]
