/** Integer milliseconds since the Unix epoch. All time inside Loupe is this; conversions happen at the edges. */
export type UnixMs = number;

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
