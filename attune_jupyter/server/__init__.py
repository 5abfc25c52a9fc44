"""The Jupyter server extension: thin, authenticated REST handlers over the core and the store."""
