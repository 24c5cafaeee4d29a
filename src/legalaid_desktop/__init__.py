"""LegalAid Desktop: offline-first case management for legal-aid centers.

The version is the package metadata's (one place: ``pyproject.toml``); see
:mod:`legalaid_desktop.version`.
"""
