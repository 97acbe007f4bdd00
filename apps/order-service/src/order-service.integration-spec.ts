import { GRPC_SERVICE_NAMES } from '@ecommerce/contracts';
import { describeBackendBoot } from '@ecommerce/testing';

describeBackendBoot('order-service', GRPC_SERVICE_NAMES.order);
