"""Demo data for PCN Hub: a fictional area written in the real national NHS file formats."""
