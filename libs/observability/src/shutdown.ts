import { shutdownTelemetry } from '@ecommerce/telemetry';

export interface ShutdownLogger {
  log(message: string): void;
  error(message: unknown): void;
}

export interface ShutdownOptions {
  /** Stop taking work, finish what is in flight, release connections. */
  close: () => Promise<void>;
  /** After this long the process exits anyway, with status 1. */
  timeoutMs: number;
  logger: ShutdownLogger;
  /** Runs first, synchronously: e.g. report NOT_SERVING so no new work is routed here. */
  beforeClose?: () => void;
}

/**
 * Graceful shutdown on SIGTERM/SIGINT, the same in every process. A second SIGINT, or a
 * close that outlives the timeout, ends the process without waiting any longer.
 */
export function onShutdownSignal({ close, timeoutMs, logger, beforeClose }: ShutdownOptions): void {
  let shuttingDown = false;
  const handler = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      // Ctrl-C twice means "now". A SIGTERM during shutdown (a supervisor catching up with the
      // terminal's SIGINT) changes nothing: the shutdown under way already has a deadline.
      if (signal !== 'SIGINT') return;
      logger.error('SIGINT received again during shutdown: exiting now');
      process.exit(1);
    }
    shuttingDown = true;
    logger.log(`${signal} received: shutting down (at most ${timeoutMs} ms)`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutMs} ms: exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    beforeClose?.();
    // The spans of the last requests are still buffered: export them before exiting.
    const exit = (code: number) =>
      shutdownTelemetry()
        .catch((error: unknown) => logger.error(error))
        .finally(() => process.exit(code));
    close().then(
      () => {
        logger.log('shutdown complete');
        return exit(0);
      },
      (error: unknown) => {
        logger.error(error);
        return exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
