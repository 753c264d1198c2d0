"""Example koperasi ledgers and their deterministic generator (:mod:`examples.generator`)."""
