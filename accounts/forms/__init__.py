"""accounts forms, one module per concern."""
