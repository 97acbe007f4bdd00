import { GRPC_SERVICE_NAMES } from '@ecommerce/contracts';
import { describeBackendBoot } from '@ecommerce/testing';

describeBackendBoot('user-service', GRPC_SERVICE_NAMES.user);
