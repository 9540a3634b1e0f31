// A command line that cannot run as written: exit status 2, one line saying what is wrong.
export class UsageError extends Error {}
