"""kopledger.books."""
