"""Fact context for stories: outlet cards, entities, denial cues (DESIGN §7)."""
