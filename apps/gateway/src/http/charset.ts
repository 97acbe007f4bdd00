import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * `onSend` hook: a text body sent with a media type but no charset (Swagger UI's page, script
 * and YAML) declares `charset=utf-8`, which is what it is, as the API has always sent it.
 */
export function utf8Text(
  _request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload?: unknown) => void,
): void {
  if (typeof payload === 'string') {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && !type.includes('charset=')) reply.header('content-type', `${type}; charset=utf-8`);
  }
  done(null, payload);
}
