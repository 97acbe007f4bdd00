import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';

/** RFC 9457 problem details, the only error shape a client of the gateway ever sees. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

export function problem(status: number, detail?: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, ...(detail ? { detail } : {}), ...extra };
}

/**
 * Turns every exception into problem+json. Anything that is not an HttpException is a bug
 * or an outage: it is logged with its stack and the client gets a bare 500, never the
 * message (which may carry SQL, hosts or stack frames).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toProblem(exception);
    res.status(body.status).type('application/problem+json').json(body);
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
    this.logger.error(exception);
    return problem(HttpStatus.INTERNAL_SERVER_ERROR);
  }
}

/** Nest's and body-parser's messages are safe to show for client errors only. */
function clientSafeMessage(exception: HttpException, status: number): string | undefined {
  if (status >= 500) return undefined;
  const message = exception.message;
  return message && message !== STATUS_CODES[status] ? message : undefined;
}
