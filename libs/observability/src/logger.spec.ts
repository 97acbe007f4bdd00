import { Writable } from 'node:stream';
import { recordSpans } from '@ecommerce/testing';
import { trace } from '@opentelemetry/api';
import pino from 'pino';
import { loggerOptions } from './logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino(loggerOptions('order-service'), stream), lines };
}

describe('log lines', () => {
  it('carry the trace and span ids of the span they are written in, and none outside one', async () => {
    const recorder = recordSpans();
    try {
      const { logger, lines } = capture();
      logger.info('before');
      await trace.getTracer('test').startActiveSpan('handle', async (span) => {
        await Promise.resolve();
        logger.info({ orderId: 'o-1' }, 'inside');
        span.end();
      });

      const [before, inside] = lines;
      expect(before).not.toHaveProperty('trace_id');
      expect(before).not.toHaveProperty('span_id');
      const { traceId, spanId } = recorder.spans()[0].spanContext();
      expect(inside).toMatchObject({ msg: 'inside', orderId: 'o-1', service: 'order-service', trace_id: traceId, span_id: spanId });
    } finally {
      await recorder.uninstall();
    }
  });

  it('have no trace fields with tracing off', () => {
    const { logger, lines } = capture();
    trace.getTracer('test').startActiveSpan('handle', (span) => {
      logger.info('inside');
      span.end();
    });
    expect(lines[0]).not.toHaveProperty('trace_id');
  });
});
