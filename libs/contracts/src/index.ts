/**
 * The platform's contracts. Generated code (./gen, from proto/) is exported one
 * namespace per proto file, so a gRPC service's types and its Kafka events never clash:
 *
 * | namespace | proto package / file |
 * |---|---|
 * | commonV1 | ecommerce.common.v1 (Pagination) |
 * | userV1, userEventsV1 | ecommerce.user.v1 user_service.proto, events.proto |
 * | inventoryV1, inventoryEventsV1 | ecommerce.inventory.v1 |
 * | orderV1, orderEventsV1 | ecommerce.order.v1 |
 * | paymentV1, paymentEventsV1 | ecommerce.payment.v1 |
 * | notificationV1 | ecommerce.notification.v1 |
 * | deadLettersV1 | ecommerce.deadletters.v1 (served by every consuming backend) |
 */
export * as commonV1 from './gen/ecommerce/common/v1/pagination';
export * as userV1 from './gen/ecommerce/user/v1/user_service';
export * as userEventsV1 from './gen/ecommerce/user/v1/events';
export * as inventoryV1 from './gen/ecommerce/inventory/v1/inventory_service';
export * as inventoryEventsV1 from './gen/ecommerce/inventory/v1/events';
export * as orderV1 from './gen/ecommerce/order/v1/order_service';
export * as orderEventsV1 from './gen/ecommerce/order/v1/events';
export * as paymentV1 from './gen/ecommerce/payment/v1/payment_service';
export * as paymentEventsV1 from './gen/ecommerce/payment/v1/events';
export * as notificationV1 from './gen/ecommerce/notification/v1/notification_service';
export * as deadLettersV1 from './gen/ecommerce/deadletters/v1/dead_letter_service';
export * from './topics';
export * from './events';
export * from './proto-path';
