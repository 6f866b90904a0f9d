"""Planning computations as plain functions: distances, coverage, the siting optimiser."""
