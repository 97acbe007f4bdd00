import { Module } from '@nestjs/common';
import { OrderAdmissionControl } from './order-admission';
import { OrdersController } from './orders.controller';

@Module({ controllers: [OrdersController], providers: [OrderAdmissionControl] })
export class OrdersModule {}
