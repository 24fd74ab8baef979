"""The HTTP app: the feeds, the public pages and health."""
