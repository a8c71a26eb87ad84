"""地域安全ネットワーク: models arrive with their issue."""
