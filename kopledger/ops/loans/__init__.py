"""kopledger.ops.loans."""
