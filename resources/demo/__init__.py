"""Bundled data, read only through importlib.resources."""
