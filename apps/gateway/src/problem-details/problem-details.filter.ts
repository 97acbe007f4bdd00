import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { problemForBackendError } from './grpc-status-to-http';
import { problem, type ProblemDetails } from './problem-details';

/**
 * Turns every exception into problem+json: the gateway's own (ProblemException and Nest's
 * HttpExceptions) and backend failures through the gRPC → HTTP table. Anything else is a bug: logged with its stack,
 * answered with a bare 500, never its message (which may carry SQL, hosts or stack frames).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toProblem(exception);
    if (reply.sent || reply.raw.headersSent) return;
    void reply.code(body.status).type('application/problem+json').send(body);
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'type' in response && 'title' in response) {
        return response as ProblemDetails;
      }
      return problem(status, clientSafeMessage(exception, status));
    }
    const backendProblem = problemForBackendError(exception);
    if (backendProblem) {
      if (backendProblem.status >= 500) this.logger.warn(`backend call failed, answered ${backendProblem.status}: ${describe(exception)}`);
      return backendProblem;
    }
    this.logger.error(exception);
    return problem(HttpStatus.INTERNAL_SERVER_ERROR);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${code === undefined ? '' : ` (code ${String(code)})`}: ${error.message}`;
}

/** Nest's messages are safe to show for client errors only. */
function clientSafeMessage(exception: HttpException, status: number): string | undefined {
  if (status >= 500) return undefined;
  const message = exception.message;
  return message && message !== STATUS_CODES[status] ? message : undefined;
}
