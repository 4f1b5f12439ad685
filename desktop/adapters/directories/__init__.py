"""Team directories: shared address books on servers teams already run, mirrored locally.

Only `mirror` (SQLite) may be imported by the ring path and the lookup; the network modules
(`dav_http`, `carddav`, `syncing`) are imported by the `directory` verb and the sync thread.
"""
