"""Extraction: every quantity of a text, with its span, period, modality and indicator."""
