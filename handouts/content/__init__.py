"""Content: typed models, YAML/Markdown loading and validation."""
