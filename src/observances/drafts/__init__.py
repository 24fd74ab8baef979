"""What we say: statement drafts from templates, with facts from the registry."""
