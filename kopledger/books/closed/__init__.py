"""kopledger.books.closed."""
