import { z } from 'zod';
import { parseConfig } from './load-config';
import { grpcAddresses } from './env';

const schema = z.object({ ORDER_SERVICE_URL: grpcAddresses('gRPC address of order-service') });
const parse = (value: string) =>
  parseConfig(schema, { ORDER_SERVICE_URL: value }).ORDER_SERVICE_URL;

describe('grpcAddresses', () => {
  it('takes one host:port, a DNS name included', () => {
    expect(parse('order-service:50052')).toEqual(['order-service:50052']);
    expect(parse(' 127.0.0.1:50052 ')).toEqual(['127.0.0.1:50052']);
  });

  it('takes a comma-separated list of IP addresses, one per replica', () => {
    expect(parse('127.0.0.1:50052, 127.0.0.1:50062')).toEqual([
      '127.0.0.1:50052',
      '127.0.0.1:50062',
    ]);
    expect(parse('[::1]:50052,[::1]:50062')).toEqual(['[::1]:50052', '[::1]:50062']);
  });

  it('refuses a list of names, a mixed list and an entry without a port, naming the variable', () => {
    for (const value of [
      'order-a:50052,order-b:50052',
      '127.0.0.1:50052,[::1]:50062',
      '127.0.0.1:50052,127.0.0.1',
    ]) {
      expect(() => parse(value)).toThrow(/ORDER_SERVICE_URL is invalid/);
    }
  });
});
