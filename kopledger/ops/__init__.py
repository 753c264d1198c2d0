"""kopledger.ops."""
