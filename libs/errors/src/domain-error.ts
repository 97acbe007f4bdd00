/** A field-level problem with a request, as the gateway reports it in problem+json `errors`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An expected failure of a use case (email taken, order not found...). It carries a string
 * `code`, because a code survives process boundaries where `instanceof` does not: each
 * service maps its codes to a gRPC status in one exhaustive switch, and the code itself
 * travels to the gateway in the `x-error-code` trailer.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
