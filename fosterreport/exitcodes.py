"""Exit codes: the one place they are defined (see the spec's cli.md)."""

OK = 0
#: The extracts are invalid (or have warnings under --strict): every problem printed, nothing written.
INVALID_DATA = 1
#: Usage or configuration error: bad option, unknown config key, missing folder.
USAGE = 2
#: Rendering failed: template error, narrative placeholder, PDF engine or output folder.
RENDER = 3
#: An unexpected internal error (a bug): one line asking the user to report it.
INTERNAL = 70
