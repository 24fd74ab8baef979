"""Where the tool finds its files when no option, environment variable or setting says
otherwise: paths relative to the working directory, as in a clone of the repository.

A module of its own, importing nothing, so that both the settings schema and the CLI's
fast commands (which never load the settings) take their defaults from one place.
"""

REGISTRY = "observances.yaml"
PROFILE = "profiles/aipr.yaml"
TEMPLATES = "templates"
