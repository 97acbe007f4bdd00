/**
 * Liveness, readiness and Prometheus scrapes: requests that arrive every few seconds and are
 * not work. Not traced, and no access line is written for them.
 */
export const PROBE_ROUTES = ['health/live', 'health/ready', 'metrics'] as const;

/** A request URL that is one of {@link PROBE_ROUTES} (with or without a query). */
export const PROBE_PATHS = new RegExp(`^/(${PROBE_ROUTES.join('|')})(\\?|$)`);
