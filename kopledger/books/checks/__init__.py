"""kopledger.books.checks."""
