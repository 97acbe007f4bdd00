import { GRPC_SERVICE_NAMES } from '@ecommerce/contracts';
import { describeBackendBoot } from '@ecommerce/testing';

describeBackendBoot('payment-service', GRPC_SERVICE_NAMES.payment);
