import * as grpc from '@grpc/grpc-js';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import type { ArgumentsHost } from '@nestjs/common';
import { FILTER_CATCH_EXCEPTIONS } from '@nestjs/common/constants';
import { BrokenCircuitError } from 'cockatiel';
import { lastValueFrom } from 'rxjs';
import { DomainError } from './domain-error';
import {
  domainErrorFilter,
  ERROR_CODE_KEY,
  errorCodeOf,
  FIELD_ERRORS_KEY,
  fieldErrorsOf,
  type GrpcErrorPayload,
  isGrpcError,
  toGrpcError,
} from './grpc-errors';

const ALL_CODES = Object.values(status).filter((v): v is status => typeof v === 'number');

function metadataWith(entries: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
}

/** What the filter's Observable errors with. */
async function caught(
  filter: { catch(exception: unknown, host: ArgumentsHost): unknown },
  exception: unknown,
) {
  const result = filter.catch(exception, {} as ArgumentsHost);
  return lastValueFrom(result as Parameters<typeof lastValueFrom>[0]).then(
    () => {
      throw new Error('the filter completed instead of failing');
    },
    (error: unknown) => error as GrpcErrorPayload,
  );
}

describe('trailer keys', () => {
  it('are legal gRPC metadata keys that are not binary', () => {
    for (const key of [ERROR_CODE_KEY, FIELD_ERRORS_KEY]) {
      expect(() => new Metadata().set(key, 'value')).not.toThrow();
      expect(key.endsWith('-bin')).toBe(false);
      expect(key.startsWith('grpc-')).toBe(false);
    }
    expect(ERROR_CODE_KEY).not.toBe(FIELD_ERRORS_KEY);
  });
});

describe('toGrpcError', () => {
  it('carries the status given, the message, and the domain code in a trailer', () => {
    const payload = toGrpcError(
      new DomainError('EMAIL_TAKEN', 'this email is already registered'),
      status.ALREADY_EXISTS,
    );

    expect(payload.code).toBe(status.ALREADY_EXISTS);
    expect(payload.message).toBe('this email is already registered');
    expect(payload.metadata.get(ERROR_CODE_KEY)).toEqual(['EMAIL_TAKEN']);
  });

  it('sends no field-errors trailer when there are none', () => {
    const payload = toGrpcError(
      new DomainError('USER_NOT_FOUND', 'user not found'),
      status.NOT_FOUND,
    );
    expect(payload.metadata.get(FIELD_ERRORS_KEY)).toEqual([]);
    expect(Object.keys(payload.metadata.getMap())).toEqual([ERROR_CODE_KEY]);
  });

  it('sends the field errors as one JSON trailer that the client side reads back', () => {
    const fields = [
      { field: 'email', message: 'must be an email address' },
      { field: 'items[0].quantity', message: 'must be 1 to 1000, "quoted"' },
    ];
    const payload = toGrpcError(
      new DomainError('VALIDATION_FAILED', 'the request is invalid', fields),
      status.INVALID_ARGUMENT,
    );

    expect(payload.metadata.get(FIELD_ERRORS_KEY)).toHaveLength(1);
    expect(JSON.parse(String(payload.metadata.get(FIELD_ERRORS_KEY)[0]))).toEqual(fields);
    expect(fieldErrorsOf(payload)).toEqual(fields);
    expect(errorCodeOf(payload)).toBe('VALIDATION_FAILED');
  });
});

describe('domainErrorFilter', () => {
  it('is a catch-all Nest exception filter', () => {
    const Filter = domainErrorFilter(() => status.INTERNAL);
    expect(Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, Filter)).toEqual([]);
  });

  it.each(ALL_CODES.map((code) => [status[code], code]))(
    "answers a DomainError with the status its service's table gives: %s",
    async (_name, code) => {
      const statusOf = jest.fn((domainCode: string) =>
        domainCode === 'THE_CODE' ? code : status.UNKNOWN,
      );
      const filter = new (domainErrorFilter(statusOf))();
      const payload = await caught(filter, new DomainError('THE_CODE', 'what went wrong'));

      expect(statusOf).toHaveBeenCalledWith('THE_CODE');
      expect(payload.code).toBe(code);
      expect(payload.message).toBe('what went wrong');
      expect(errorCodeOf(payload)).toBe('THE_CODE');
    },
  );

  it("follows each service's own table: the same code can map to different statuses", async () => {
    const users = new (domainErrorFilter((c) =>
      c === 'NOT_FOUND_HERE' ? status.NOT_FOUND : status.INTERNAL,
    ))();
    const orders = new (domainErrorFilter((c) =>
      c === 'NOT_FOUND_HERE' ? status.FAILED_PRECONDITION : status.INTERNAL,
    ))();
    const error = new DomainError('NOT_FOUND_HERE', 'gone');

    expect((await caught(users, error)).code).toBe(status.NOT_FOUND);
    expect((await caught(orders, error)).code).toBe(status.FAILED_PRECONDITION);
  });

  it('passes field errors on in the trailer', async () => {
    const filter = new (domainErrorFilter(() => status.INVALID_ARGUMENT))();
    const fields = [{ field: 'page', message: 'must be 1 or more' }];
    const payload = await caught(
      filter,
      new DomainError('VALIDATION_FAILED', 'the request is invalid', fields),
    );
    expect(fieldErrorsOf(payload)).toEqual(fields);
  });

  it.each([
    ['an Error', new Error('relation "users" does not exist at 10.0.0.5:5432')],
    ['a string', 'secret string'],
    ['undefined', undefined],
    [
      'an object shaped like a DomainError',
      { name: 'DomainError', code: 'EMAIL_TAKEN', message: 'secret', fields: [] },
    ],
  ])(
    'answers anything else (%s) as INTERNAL, with no detail and no trailers, and logs it',
    async (_what, exception) => {
      const statusOf = jest.fn(() => status.ALREADY_EXISTS);
      const filter = new (domainErrorFilter(statusOf))();
      const log = jest.spyOn(filter.logger, 'error').mockImplementation(() => undefined);

      const payload = await caught(filter, exception);

      expect(payload.code).toBe(status.INTERNAL);
      expect(payload.message).toBe('internal error');
      expect(payload.metadata.toJSON()).toEqual({});
      expect(errorCodeOf(payload)).toBeUndefined();
      expect(statusOf).not.toHaveBeenCalled();
      expect(log).toHaveBeenCalledWith(exception);
    },
  );

  it('does not log a DomainError: it is an expected outcome', async () => {
    const filter = new (domainErrorFilter(() => status.NOT_FOUND))();
    const log = jest.spyOn(filter.logger, 'error').mockImplementation(() => undefined);
    await caught(filter, new DomainError('USER_NOT_FOUND', 'user not found'));
    expect(log).not.toHaveBeenCalled();
  });
});

describe('errorCodeOf', () => {
  it('reads the domain code from the trailers', () => {
    expect(
      errorCodeOf({ metadata: metadataWith({ [ERROR_CODE_KEY]: 'INSUFFICIENT_STOCK' }) }),
    ).toBe('INSUFFICIENT_STOCK');
  });

  it('is undefined when the call carried none, or no trailers at all', () => {
    expect(errorCodeOf({ metadata: metadataWith({ 'x-other': 'EMAIL_TAKEN' }) })).toBeUndefined();
    expect(errorCodeOf({ metadata: new Metadata() })).toBeUndefined();
    expect(errorCodeOf({})).toBeUndefined();
  });

  it('is undefined when the trailer holds something other than text', () => {
    const binary = { get: () => [Buffer.from('EMAIL_TAKEN')] } as unknown as Metadata;
    expect(errorCodeOf({ metadata: binary })).toBeUndefined();
  });
});

describe('fieldErrorsOf', () => {
  const withFields = (value: string) => ({ metadata: metadataWith({ [FIELD_ERRORS_KEY]: value }) });

  it('reads the field errors from the trailers', () => {
    const fields = [
      { field: 'email', message: 'is required' },
      { field: 'password', message: 'must be 8 to 128 characters' },
    ];
    expect(fieldErrorsOf(withFields(JSON.stringify(fields)))).toEqual(fields);
  });

  it('is [] when there are none, or no trailers at all', () => {
    expect(fieldErrorsOf({ metadata: new Metadata() })).toEqual([]);
    expect(fieldErrorsOf({})).toEqual([]);
  });

  it.each([
    ['not JSON', '[{"field":'],
    ['a JSON object', '{"field":"email","message":"is required"}'],
    ['a JSON string', '"email is required"'],
    ['JSON null', 'null'],
  ])('is [] when the trailer is %s', (_what, value) => {
    expect(fieldErrorsOf(withFields(value))).toEqual([]);
  });

  it('keeps only the entries with a string field and a string message, in order', () => {
    const value = JSON.stringify([
      { field: 'a', message: 'first' },
      null,
      'b',
      7,
      { field: 'c' },
      { message: 'no field' },
      { field: 1, message: 'numeric field' },
      { field: 'd', message: 2 },
      { field: 'e', message: 'last' },
    ]);
    expect(fieldErrorsOf(withFields(value))).toEqual([
      { field: 'a', message: 'first' },
      { field: 'e', message: 'last' },
    ]);
  });
});

describe('isGrpcError', () => {
  const serviceError = (code: status): ServiceError =>
    Object.assign(new Error(`${code} ${status[code]}: boom`), {
      code,
      details: 'boom',
      metadata: new Metadata(),
    });

  it.each(ALL_CODES.map((code) => [status[code], code]))(
    'recognises a gRPC error with status %s',
    (_name, code) => {
      expect(isGrpcError(serviceError(code))).toBe(true);
    },
  );

  it('recognises a plain object with a numeric code and details', () => {
    expect(isGrpcError({ code: status.NOT_FOUND, details: '' })).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'UNAVAILABLE'],
    ['a number', 14],
    ['an Error', new Error('boom')],
    ['a DomainError', new DomainError('EMAIL_TAKEN', 'taken')],
    ["cockatiel's BrokenCircuitError", new BrokenCircuitError()],
    ['a code without details', { code: status.UNAVAILABLE, message: 'no details' }],
    ['a string code', { code: 'UNAVAILABLE', details: 'string code' }],
    [
      'a Node system error',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
  ])('rejects %s', (_what, value) => {
    expect(isGrpcError(value)).toBe(false);
  });
});

describe('over the wire', () => {
  const service: grpc.ServiceDefinition = {
    fail: {
      path: '/test.Errors/Fail',
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
      requestDeserialize: (buffer: Buffer) => JSON.parse(buffer.toString()) as unknown,
      responseSerialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
      responseDeserialize: (buffer: Buffer) => JSON.parse(buffer.toString()) as unknown,
    },
  };
  let server: grpc.Server;
  let client: grpc.Client & {
    fail: (request: unknown, callback: (error: ServiceError | null) => void) => void;
  };

  beforeAll(async () => {
    const filter = new (domainErrorFilter((code) =>
      code === 'VALIDATION_FAILED' ? status.INVALID_ARGUMENT : status.INTERNAL,
    ))();
    jest.spyOn(filter.logger, 'error').mockImplementation(() => undefined);
    server = new grpc.Server();
    server.addService(service, {
      fail: (
        call: grpc.ServerUnaryCall<{ kind: string }, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        const exception =
          call.request.kind === 'domain'
            ? new DomainError('VALIDATION_FAILED', 'the request is invalid', [
                { field: 'email', message: 'is required' },
              ])
            : new Error('a bug, with a secret');
        caught(filter, exception).then((payload) => callback(payload));
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const Client = grpc.makeGenericClientConstructor(service, 'Errors');
    client = new Client(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    ) as unknown as typeof client;
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  const call = (kind: string) =>
    new Promise<ServiceError>((resolve, reject) =>
      client.fail({ kind }, (error) =>
        error ? resolve(error) : reject(new Error('the call succeeded')),
      ),
    );

  it('delivers a domain error as its status, message, code and field errors', async () => {
    const error = await call('domain');
    expect(isGrpcError(error)).toBe(true);
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toBe('the request is invalid');
    expect(errorCodeOf(error)).toBe('VALIDATION_FAILED');
    expect(fieldErrorsOf(error)).toEqual([{ field: 'email', message: 'is required' }]);
  });

  it('delivers anything else as INTERNAL with neither detail nor domain code', async () => {
    const error = await call('bug');
    expect(isGrpcError(error)).toBe(true);
    expect(error.code).toBe(status.INTERNAL);
    expect(error.details).toBe('internal error');
    expect(errorCodeOf(error)).toBeUndefined();
    expect(fieldErrorsOf(error)).toEqual([]);
  });
});
