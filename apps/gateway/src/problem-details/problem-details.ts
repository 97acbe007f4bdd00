import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FieldError } from '@ecommerce/errors';

/** RFC 9457 problem details, the only error shape a client of the gateway ever sees. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problem(status: number, detail?: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, ...(detail ? { detail } : {}), ...extra };
}

/** Thrown by the gateway's own code to answer with exactly this problem. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemDetails) {
    super(problem, problem.status);
  }

  static of(status: number, detail?: string, extra: Partial<ProblemDetails> = {}): ProblemException {
    return new ProblemException(problem(status, detail, extra));
  }

  static validation(errors: FieldError[]): ProblemException {
    return ProblemException.of(400, 'The request is not valid.', { errors });
  }
}
