"""あんしんメール: models arrive with their issue."""
