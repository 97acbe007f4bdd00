import { Global, Module } from '@nestjs/common';
import { MessagingService } from './messaging.service';

/** Kafka in (see {@link MessagingService}); global, so capabilities register their handlers. */
@Global()
@Module({ providers: [MessagingService], exports: [MessagingService] })
export class MessagingModule {}
