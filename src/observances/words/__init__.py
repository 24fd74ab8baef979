"""How a fact is said, in each language the tool writes."""
