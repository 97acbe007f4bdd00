/**
 * kafkajs 2.2.4 keeps every broker connection's event loop awake: after each request its
 * `RequestQueue.scheduleCheckPendingRequests` arms a timer even when nothing is pending and
 * the client is not throttled, with a negative delay, so the check re-arms itself every
 * millisecond for as long as the connection lives (tulios/kafkajs#1556, fixed in #1667 and
 * #1768, never released: the project no longer publishes). Measured on an idle service here:
 * ~900 wake-ups and ~30 ms of CPU per second, most of what an idle backend costs.
 *
 * This replaces that one method with the fixed version from those pull requests: a check is
 * scheduled only when requests are waiting (then at the end of the throttle, or after the
 * library's 10 ms interval) or while a broker throttle is still running. A request that cannot
 * be sent at once always lands in `pending` and schedules its check through this method, and
 * every response re-runs `checkPendingRequests`, so nothing waits on a timer that was dropped.
 */
// Not part of kafkajs's typed API: the module is the class the library instantiates per connection.
const RequestQueue = require('kafkajs/src/network/requestQueue') as RequestQueueClass;

/** Library's own interval for re-checking a queue that waits on in-flight requests. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

interface RequestQueueClass {
  prototype: RequestQueueState & { [FIXED]?: true };
}

const FIXED = Symbol.for('ecommerce.kafkajs.requestQueueFix');

function scheduleCheckPendingRequests(this: RequestQueueState): void {
  if (this.throttleCheckTimeoutId) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  let delay: number;
  if (this.pending.length > 0) {
    delay = untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  } else if (untilUnthrottled > 0) {
    delay = untilUnthrottled;
  } else {
    return; // nothing waits and nothing throttles: no timer (the bug armed one here)
  }
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
}

/** Installs the fix once per process; `createKafka` calls it, so every client gets it. */
export function fixKafkajsRequestQueue(): void {
  if (RequestQueue.prototype[FIXED]) return;
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  RequestQueue.prototype[FIXED] = true;
}
