"""The run: steps keyed on their inputs, staged outputs, the lock, notebooks and HTML."""
