"""Closing entries (bokslutsverifikationer): the year-end adjustments, their templates and rates."""
