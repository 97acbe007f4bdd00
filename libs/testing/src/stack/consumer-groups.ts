import { TOPICS } from '@ecommerce/contracts';

/** Who consumes each saga topic: the consumer groups of the services (see their messaging modules). */
export const CONSUMER_GROUPS: Record<string, string[]> = {
  [TOPICS.inventoryCommands]: ['inventory-service'],
  [TOPICS.inventoryEvents]: ['order-service'],
  [TOPICS.paymentCommands]: ['payment-service'],
  [TOPICS.paymentEvents]: ['order-service'],
  [TOPICS.orderEvents]: ['notification-service-orders'],
  [TOPICS.userEvents]: ['notification-service-users'],
};

export const SAGA_TOPICS = Object.keys(CONSUMER_GROUPS);
export const ALL_CONSUMER_GROUPS = [...new Set(Object.values(CONSUMER_GROUPS).flat())];
