import type { NextFunction, Request, Response } from 'express';
import { problem, type ProblemDetails } from './problem-details';

/**
 * Express error middleware placed right after the JSON body parser. Its errors never reach
 * a controller, and Nest would turn a parse error into a 400 quoting the parser's message,
 * which can echo the raw body: the client gets one fixed sentence per case instead.
 */
export function bodyParserErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  const body = problemForBodyParserError(error);
  if (!body || res.headersSent) {
    next(error);
    return;
  }
  res.status(body.status).type('application/problem+json').json(body);
}

function problemForBodyParserError(error: unknown): ProblemDetails | undefined {
  switch ((error as { type?: unknown } | undefined)?.type) {
    case 'entity.parse.failed':
      return problem(400, 'The request body is not valid JSON.');
    case 'entity.too.large':
      return problem(413, 'The request body is larger than 1 MiB.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem(415, 'The request body must be JSON in UTF-8.');
    case 'request.aborted':
    case 'request.size.invalid':
      return problem(400, 'The request body could not be read.');
    default:
      return undefined;
  }
}
