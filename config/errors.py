"""The one base class of the errors a user can fix, on the ground floor so that every floor's
errors (store, rulesets, reports, register, …) can be one: the command line catches this class
alone and prints its Chinese message as one line, exit code 2."""


class UserError(Exception):
    """A problem with the user's input, files or store, worded in Chinese. debug_hint: also say that
    --debug shows where it failed (trouble the user did not cause directly, e.g. a store that
    cannot be opened)."""
    debug_hint = False
