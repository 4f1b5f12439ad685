"""What softphones write about calls, as pure text in and domain values out (no file I/O)."""
