"""Lifecycle stages, touch tiers, segments and the priority matrix."""
