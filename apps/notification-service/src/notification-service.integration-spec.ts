import { GRPC_SERVICE_NAMES } from '@ecommerce/contracts';
import { describeBackendBoot } from '@ecommerce/testing';

describeBackendBoot('notification-service', GRPC_SERVICE_NAMES.notification);
