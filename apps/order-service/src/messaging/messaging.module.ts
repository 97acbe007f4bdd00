import { Module } from '@nestjs/common';
import { Messaging } from './messaging';

/** Kafka for order-service: outbox, relay, and the consumer the saga's handlers join. */
@Module({ providers: [Messaging], exports: [Messaging] })
export class MessagingModule {}
