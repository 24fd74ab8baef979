"""observances: United Nations observances as a registry, calendar feeds and statement drafts."""
