"""Pure domain: stdlib and phonenumbers only. No Qt, no watchdog, no keyring, no file I/O."""
