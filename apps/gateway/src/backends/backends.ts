import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { deadLettersV1, inventoryV1, notificationV1, orderV1, paymentV1, userV1 } from '@ecommerce/contracts';
import { ResilientGrpcClient, ServiceTokens } from '@ecommerce/grpc';
import { MetricsRegistry } from '@ecommerce/observability';
import { GATEWAY_CONFIG, type GatewayConfig, resilienceOptions } from '../config';

/** The backends that consume Kafka, so keep dead letters and serve DeadLetterService. */
export const DEAD_LETTER_SERVICES = ['inventory', 'order', 'payment', 'notification'] as const;
export type DeadLetterService = (typeof DEAD_LETTER_SERVICES)[number];

/**
 * One resilient gRPC client per backend, shared by every controller, each call carrying the
 * gateway's service token: each has its own deadline, retry policy for idempotent calls, circuit breaker and bulkhead, so one dead
 * backend answers 503 fast without slowing the routes of the others.
 */
@Injectable()
export class Backends implements OnModuleDestroy {
  readonly users: ResilientGrpcClient<userV1.UserServiceClient>;
  readonly inventory: ResilientGrpcClient<inventoryV1.InventoryServiceClient>;
  readonly orders: ResilientGrpcClient<orderV1.OrderServiceClient>;
  readonly payments: ResilientGrpcClient<paymentV1.PaymentServiceClient>;
  readonly notifications: ResilientGrpcClient<notificationV1.NotificationServiceClient>;
  /** DeadLetterService of each backend that consumes: each over its own dead letters. */
  readonly deadLetters: Readonly<Record<DeadLetterService, ResilientGrpcClient<deadLettersV1.DeadLetterServiceClient>>>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, metrics: MetricsRegistry) {
    // One signer for all five: each backend gets its own token (its name as `aud`), cached apart.
    const credentials = new ServiceTokens('gateway', config.SERVICE_PRIVATE_KEY);
    const options = { credentials, resilience: resilienceOptions(config), metrics };
    this.users = new ResilientGrpcClient('user', config.USER_SERVICE_URL, options);
    this.inventory = new ResilientGrpcClient('inventory', config.INVENTORY_SERVICE_URL, options);
    this.orders = new ResilientGrpcClient('order', config.ORDER_SERVICE_URL, options);
    this.payments = new ResilientGrpcClient('payment', config.PAYMENT_SERVICE_URL, options);
    this.notifications = new ResilientGrpcClient(
      'notification',
      config.NOTIFICATION_SERVICE_URL,
      options,
    );
    const addresses: Record<DeadLetterService, string | readonly string[]> = {
      inventory: config.INVENTORY_SERVICE_URL,
      order: config.ORDER_SERVICE_URL,
      payment: config.PAYMENT_SERVICE_URL,
      notification: config.NOTIFICATION_SERVICE_URL,
    };
    this.deadLetters = Object.fromEntries(
      DEAD_LETTER_SERVICES.map((service) => [
        service,
        new ResilientGrpcClient<deadLettersV1.DeadLetterServiceClient>(service, addresses[service], { ...options, api: 'deadLetters' }),
      ]),
    ) as Record<DeadLetterService, ResilientGrpcClient<deadLettersV1.DeadLetterServiceClient>>;
  }

  onModuleDestroy(): void {
    const all = [this.users, this.inventory, this.orders, this.payments, this.notifications, ...Object.values(this.deadLetters)];
    for (const client of all) client.close();
  }
}
