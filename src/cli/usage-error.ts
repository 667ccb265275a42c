/** A command line the CLI cannot understand: exit status 2 (other failures exit 1). */
export class UsageError extends Error {}
