"""End-to-end tests: a real browser with the extension, replica AI sites, a real daemon."""
