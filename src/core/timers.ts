/** @module The timers an execution keeps, one alarm armed for the earliest. */

/** The timer that deletes a final execution, armed when it ends for end + the flow's retention. */
export const CLEANUP_TIMER = 'cleanup'
/** How soon a deletion that could not finish, or had to wait, tries again. */
export const CLEANUP_RETRY_MS = 60_000
