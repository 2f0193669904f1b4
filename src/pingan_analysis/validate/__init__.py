"""Validation: the context checks, the validate step and its report."""
