"""Forms of the HQ people pages."""
