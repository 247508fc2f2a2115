"""The config: the YAML loaded, validated and compiled once into a frozen CleanerConfig."""
