import { TRACKING_ENDPOINTS } from './tracking.js';

export * as tracking from './tracking.js';
export { TRACKING_ENDPOINTS } from './tracking.js';

/** Every proto endpoint, mounted under /api/2.0 and /ajax-api/2.0. */
export const ENDPOINTS = [...TRACKING_ENDPOINTS] as const;
