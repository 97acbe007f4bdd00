import './instrumentation';
import 'reflect-metadata';
import { loadConfigOrExit } from '@ecommerce/config';
import { bootstrapGrpcService } from '@ecommerce/grpc';
import { Messaging } from '@ecommerce/messaging';
import { AppModule } from './app.module';
import { configSchema, SERVICE_NAME } from './config';
import { PrismaService } from './database';

void bootstrapGrpcService({
  name: SERVICE_NAME,
  config: loadConfigOrExit(SERVICE_NAME, configSchema),
  module: AppModule,
  grpc: { service: 'order', shared: ['deadLetters'] },
  // SERVING while the database answers and the outbox relay and the consumer of the
  // participants' replies run.
  readiness: [PrismaService, Messaging],
});
