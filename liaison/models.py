"""巡回連絡: models arrive with their issue."""
