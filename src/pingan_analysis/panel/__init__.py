"""The panel: sources reconciled, reference data joined, rates derived, exports written."""
