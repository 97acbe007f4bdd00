/**
 * Liveness, readiness and Prometheus scrapes: requests that arrive every few seconds and are
 * not work. Not traced, and their access lines are written at debug.
 */
export const PROBE_PATHS = /^\/(metrics|health\/(live|ready))(\?|$)/;
