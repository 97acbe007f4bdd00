import etag from 'etag';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fresh from 'fresh';

const NO_ETAG = Symbol('no ETag');
type MaybeUntagged = FastifyReply & { [NO_ETAG]?: true };

/** This response gets no ETag (a Prometheus scrape: hashing 70 KB each time would be waste). */
export function withoutEtag(reply: FastifyReply): void {
  (reply as MaybeUntagged)[NO_ETAG] = true;
}

/**
 * `onSend` hook: a weak ETag on every response with a body (a hash of it), and 304 Not
 * Modified without the body for a GET or HEAD whose If-None-Match already names it, as the
 * API has always answered. Streams (Swagger UI's files) carry their own validators.
 */
export function conditionalGet(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload?: unknown) => void,
): void {
  if ((typeof payload !== 'string' && !Buffer.isBuffer(payload)) || (reply as MaybeUntagged)[NO_ETAG]) {
    done(null, payload);
    return;
  }
  let tag = reply.getHeader('etag');
  if (tag === undefined) {
    tag = etag(payload, { weak: true });
    reply.header('etag', tag);
  }
  if (isFresh(request, reply, tag)) {
    reply.code(304).removeHeader('content-type').removeHeader('content-length').removeHeader('transfer-encoding');
    done(null, null);
    return;
  }
  done(null, payload);
}

function isFresh(request: FastifyRequest, reply: FastifyReply, tag: ReturnType<FastifyReply['getHeader']>): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const status = reply.statusCode;
  if ((status < 200 || status >= 300) && status !== 304) return false;
  return fresh(request.headers, { etag: tag, 'last-modified': reply.getHeader('last-modified') });
}
