import { z } from 'zod';
import { requestSchema, responseSchema } from '../openapi/registry';

export const registerBody = requestSchema(
  'RegisterRequest',
  z.object({
    email: z.email().max(254),
    password: z.string().min(8).max(128),
    name: z.string().trim().min(1).max(100),
  }),
);

// Login does not check the email's format: the answer to a wrong email is the same 401 as
// to a wrong password, whatever the email looks like.
export const loginBody = requestSchema(
  'LoginRequest',
  z.object({
    email: z.string().trim().min(1).max(254),
    password: z.string().min(1).max(128),
  }),
);

export const tokenSchema = responseSchema(
  'AccessToken',
  z.object({
    accessToken: z.string().describe('a JWT; send it as `Authorization: Bearer <accessToken>`'),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().describe('seconds until the token expires'),
  }),
);

export const jwksSchema = responseSchema(
  'JsonWebKeySet',
  z.object({
    keys: z.array(
      z.looseObject({
        kid: z.string(),
        kty: z.string(),
        alg: z.string(),
        use: z.string(),
        crv: z.string().optional(),
        x: z.string().optional(),
        n: z.string().optional(),
        e: z.string().optional(),
      }),
    ),
  }),
  "the public keys that verify access tokens (RFC 7517)",
);
