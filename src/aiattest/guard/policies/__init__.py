"""Guard policies shipped in the package (YAML data files)."""
