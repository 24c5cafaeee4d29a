"""LegalAid Desktop: offline-first case management for legal-aid centers."""

__version__ = "0.1.0"
