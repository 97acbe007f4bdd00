import { GRPC_SERVICE_NAMES } from '@ecommerce/contracts';
import {
  AppProcess,
  appEnv,
  COMMITTED_DEVELOPMENT_KEY,
  describeBackendBoot,
} from '@ecommerce/testing';

describeBackendBoot('user-service', GRPC_SERVICE_NAMES.user);

describe('user-service with NODE_ENV=production', () => {
  it('refuses the signing key once committed to the repository, naming JWT_PRIVATE_KEY', async () => {
    const app = AppProcess.start('user-service', {
      ...appEnv('user-service'),
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: COMMITTED_DEVELOPMENT_KEY,
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD: 'a-password-of-this-deployment',
    });
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(app.logs.trim()).toBe(
      'user-service: Invalid configuration: JWT_PRIVATE_KEY is the development key committed to this repository: ' +
        'generate your own (refused with NODE_ENV=production)',
    );
  });
});
