/**
 * @module Where an operator sets a Worker secret: `wrangler dev` reads `.dev.vars`, a deployed Worker
 * its secrets. Messages about a missing or spoiled secret name both places, never a value.
 */

/** How to set the secret `name`, to follow "set it" in a message. */
export const whereToSet = (name: string) =>
  `in .dev.vars for wrangler dev, or with \`wrangler secret put ${name}\` once deployed`
