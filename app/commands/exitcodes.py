"""Exit codes of the headless commands, one per meaning (documented in README.md)."""

OK = 0  # done
WAITING = 1  # something waits: records not yet sent, hub unreachable, a county record kept
USAGE = 2  # bad arguments (argparse's own code), or what they name does not exist
NEEDS_ADMIN = 3  # token refused, certificate did not verify, the hub wants a newer ClinicLink
DATABASE = 4  # the database is damaged, not ClinicLink's, from a newer version, lost writes
DISK_FULL = 5  # no space (or no permission) to write: nothing was changed
NOT_SET_UP = 6  # no database or clinic yet: run the program (or ``setup``) first
REFUSED = 7  # not done, nothing changed: already set up, restore declined or not possible
BUG = 9  # an unexpected error: logged with its traceback, the log named
