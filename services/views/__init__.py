"""Service roll-out pages, one module per group of pages."""
