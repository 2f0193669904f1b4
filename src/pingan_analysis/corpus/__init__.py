"""The raw inputs: the release manifest, the texts' ingestion, the codebook and the reference table."""
