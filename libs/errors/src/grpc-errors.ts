import { type ArgumentsHost, Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { throwError, type Observable } from 'rxjs';
import { DomainError, type FieldError } from './domain-error';

/** Trailer keys that carry a domain error across gRPC. */
export const ERROR_CODE_KEY = 'x-error-code';
export const FIELD_ERRORS_KEY = 'x-field-errors';

/** What grpc-js sends back for a failed call: a status code, a message, trailers. */
export interface GrpcErrorPayload {
  code: status;
  message: string;
  metadata: Metadata;
}

export function toGrpcError(error: DomainError, code: status): GrpcErrorPayload {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, error.code);
  if (error.fields.length) metadata.set(FIELD_ERRORS_KEY, JSON.stringify(error.fields));
  return { code, message: error.message, metadata };
}

/**
 * The gRPC controllers' exception filter: a DomainError becomes the status its service's
 * table gives (`statusOf`), with its code and field errors in trailers. Anything else is a
 * bug: logged with its stack, answered as INTERNAL with no detail.
 */
export function domainErrorFilter(statusOf: (code: string) => status) {
  @Catch()
  class DomainErrorFilter implements RpcExceptionFilter {
    readonly logger = new Logger('DomainErrorFilter');

    catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
      if (exception instanceof DomainError) {
        return throwError(() => toGrpcError(exception, statusOf(exception.code)));
      }
      this.logger.error(exception);
      return throwError(() => ({ code: status.INTERNAL, message: 'internal error', metadata: new Metadata() }));
    }
  }
  return DomainErrorFilter;
}

/** The domain error code a failed call carried, if any (client side). */
export function errorCodeOf(error: Partial<ServiceError>): string | undefined {
  const value = error.metadata?.get(ERROR_CODE_KEY)[0];
  return typeof value === 'string' ? value : undefined;
}

/** The field errors a failed call carried (client side); [] when none or unreadable. */
export function fieldErrorsOf(error: Partial<ServiceError>): FieldError[] {
  const value = error.metadata?.get(FIELD_ERRORS_KEY)[0];
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed)
      ? parsed.filter((f): f is FieldError => typeof f?.field === 'string' && typeof f?.message === 'string')
      : [];
  } catch {
    return [];
  }
}

export function isGrpcError(error: unknown): error is ServiceError {
  return typeof error === 'object' && error !== null && typeof (error as ServiceError).code === 'number' && 'details' in error;
}
