import bodyParser from 'body-parser';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { problemForBodyParserError } from '../problem-details/body-parser-errors';
import { ProblemException } from '../problem-details/problem-details';

/** The largest request body the gateway reads: API.md's 413 threshold. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

const parseJson = bodyParser.json({ limit: BODY_LIMIT_BYTES });

/**
 * Request bodies are read as the API has always read them: every body goes to body-parser's
 * JSON parser, which reads `application/json` (any UTF charset; gzip, deflate or br) strictly,
 * an object or an array, an empty body as `{}`, and leaves a body of any other type undefined
 * for validation to refuse. Fastify's own parsers would differ at the edges (415 for another
 * type, 400 for an empty JSON body, no decompression). Malformed JSON is a 400, more than
 * 1 MiB a 413, another charset or encoding a 415: fixed sentences as problem+json, never the
 * parser's message (it can echo the body).
 */
export function readBodiesAsJson(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request: FastifyRequest, _payload, done) => {
    const raw = request.raw as FastifyRequest['raw'] & { body?: unknown };
    parseJson(raw, undefined as never, (error?: unknown) => {
      if (error === undefined || error === null) {
        done(null, raw.body);
        return;
      }
      const problem = problemForBodyParserError(error);
      done(problem ? new ProblemException(problem) : (error as Error));
    });
  });
}
