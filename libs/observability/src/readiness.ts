/**
 * Something a service needs before it can serve: its database answering, its messaging
 * running, its reference data in place. A backend is SERVING while every one of its checks
 * passes (they are listed in its `main.ts`), and messaging can wait for some before it starts.
 */
export interface ReadinessCheck {
  /** Resolves when it holds; throws, saying why, when it does not. */
  checkReady(): void | Promise<void>;
}
