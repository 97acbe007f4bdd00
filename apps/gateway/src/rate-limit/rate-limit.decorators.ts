import { SetMetadata } from '@nestjs/common';

export const CREDENTIALS_LIMIT_KEY = 'rate-limit:credentials';
export const NO_RATE_LIMIT_KEY = 'rate-limit:none';

/** Login and register: also limited per client IP and per email, far tighter than other routes. */
export const CredentialsRateLimit = () => SetMetadata(CREDENTIALS_LIMIT_KEY, true);

/** Probes (health checks) that must answer however often a load balancer asks. */
export const NoRateLimit = () => SetMetadata(NO_RATE_LIMIT_KEY, true);
