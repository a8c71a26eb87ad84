"""Forms of sign-in, two-factor and password change."""
