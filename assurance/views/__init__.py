"""Assurance pages, one module per group of pages."""
