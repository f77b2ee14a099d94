"""Klachtenportaal: registry, page generator and shared domain logic."""
