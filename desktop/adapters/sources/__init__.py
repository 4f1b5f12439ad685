"""Call sources: what softphones write or send, turned into CallEvents."""
