import './instrumentation';
import 'reflect-metadata';
import { loadConfigOrExit } from '@ecommerce/config';
import { bootstrapGrpcService } from '@ecommerce/grpc';
import { Messaging } from '@ecommerce/messaging';
import { AppModule } from './app.module';
import { configSchema, SERVICE_NAME } from './config';
import { PrismaService } from './database';
import { SigningKeysService } from './tokens/signing-keys.service';
import { AdminSeed } from './users/admin-seed.service';

void bootstrapGrpcService({
  name: SERVICE_NAME,
  config: loadConfigOrExit(SERVICE_NAME, configSchema),
  module: AppModule,
  grpc: { service: 'user' },
  // SERVING while the database answers, a signing key is loaded, the admin exists and the
  // outbox relay runs. Keys and admin are checked here rather than at boot, so a database that
  // is down at start leaves the service up and NOT_SERVING until it comes back.
  readiness: [PrismaService, SigningKeysService, AdminSeed, Messaging],
});
