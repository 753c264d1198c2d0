"""kopledger.core."""
