import { problem, type ProblemDetails } from './problem-details';

/**
 * The problem for an error of the JSON body parser (body-parser's `type`), or undefined for
 * any other error. Its errors never reach a controller, and its messages can echo the raw
 * body: the client gets one fixed sentence per case instead.
 */
export function problemForBodyParserError(error: unknown): ProblemDetails | undefined {
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
