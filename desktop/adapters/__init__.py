"""The outside world without Qt: store, paths, settings, sources, importers."""
