"""kopledger.ops.shu."""
