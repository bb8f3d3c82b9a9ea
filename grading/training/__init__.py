"""Offline fitting of the shipped scoring numbers from the public graded datasets (development only)."""
