import { GRPC_SERVICE_NAMES } from '@ecommerce/contracts';
import { describeBackendBoot } from '@ecommerce/testing';

describeBackendBoot('inventory-service', GRPC_SERVICE_NAMES.inventory);
