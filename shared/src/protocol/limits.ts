/** Limits the browser checks too, before sending; kept free of zod so its first pages stay small. */

/** The largest deck file (and HTTP body) the server takes. */
export const MAX_DECK_BYTES = 256 * 1024;
