"""pingan-analysis."""
