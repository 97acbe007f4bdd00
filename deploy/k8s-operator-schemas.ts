import { z } from 'zod';

/**
 * The custom resources of the two operators, for exactly the fields the manifests use, unknown
 * fields rejected: no published schema package carries the Strimzi or CloudNativePG CRDs, so
 * these follow the operators' API references (docs/adr/0010):
 *   - Strimzi 0.45-0.47, kafka.strimzi.io/v1beta2: Kafka, KafkaNodePool, KafkaTopic
 *   - CloudNativePG 1.25+, postgresql.cnpg.io/v1: Cluster
 * A field the project starts to use needs a line here, checked against those references.
 */

const labels = z.record(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9._-]{1,63}$/), z.string());
const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
  .max(253);
const metadata = z.strictObject({
  name,
  namespace: name.optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
});
/** A Kubernetes quantity: 10Gi, 500m, 1. */
const quantity = z.union([
  z.string().regex(/^[0-9.]+([EPTGMK]i?|[mkMGTPE]|e[0-9]+)?$/),
  z.number(),
]);
const resources = z.strictObject({
  requests: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
  limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
});
const labelSelector = z.strictObject({
  matchLabels: labels.optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
const positiveInt = z.number().int().positive();
/** Broker configuration values: Kafka reads them as strings, the CRD takes scalars. */
const kafkaConfig = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

const persistentVolume = z.strictObject({
  id: z.number().int().min(0).optional(),
  type: z.literal('persistent-claim'),
  size: quantity,
  class: z.string().optional(),
  deleteClaim: z.boolean().optional(),
  kraftMetadata: z.literal('shared').optional(),
});
const ephemeralVolume = z.strictObject({
  id: z.number().int().min(0).optional(),
  type: z.literal('ephemeral'),
  sizeLimit: quantity.optional(),
  kraftMetadata: z.literal('shared').optional(),
});

export const kafkaNodePool = z.strictObject({
  apiVersion: z.literal('kafka.strimzi.io/v1beta2'),
  kind: z.literal('KafkaNodePool'),
  metadata: metadata.extend({
    labels: labels.refine((l) => !!l['strimzi.io/cluster'], 'needs the strimzi.io/cluster label'),
  }),
  spec: z.strictObject({
    replicas: z.number().int().min(0),
    roles: z.array(z.enum(['controller', 'broker'])).min(1),
    storage: z.discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('jbod'),
        volumes: z.array(z.discriminatedUnion('type', [persistentVolume, ephemeralVolume])).min(1),
      }),
      persistentVolume,
      ephemeralVolume,
    ]),
    resources: resources.optional(),
  }),
});

export const kafka = z.strictObject({
  apiVersion: z.literal('kafka.strimzi.io/v1beta2'),
  kind: z.literal('Kafka'),
  metadata: metadata.extend({
    annotations: z.strictObject({
      'strimzi.io/kraft': z.literal('enabled'),
      'strimzi.io/node-pools': z.literal('enabled'),
    }),
  }),
  spec: z.strictObject({
    kafka: z.strictObject({
      version: z.string().regex(/^\d+\.\d+\.\d+$/),
      metadataVersion: z
        .string()
        .regex(/^\d+\.\d+-IV\d+$/)
        .optional(),
      listeners: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[a-z0-9]{1,11}$/),
            // 9090, 9091, 9093 (controller) and 9404, 9999 are Strimzi's own.
            port: z
              .number()
              .int()
              .min(9092)
              .refine((port) => ![9093, 9404, 9999].includes(port), 'a port Strimzi uses'),
            type: z.enum([
              'internal',
              'route',
              'loadbalancer',
              'nodeport',
              'ingress',
              'cluster-ip',
            ]),
            tls: z.boolean(),
            networkPolicyPeers: z
              .array(
                z.strictObject({
                  podSelector: labelSelector.optional(),
                  namespaceSelector: labelSelector.optional(),
                }),
              )
              .optional(),
          }),
        )
        .min(1),
      config: kafkaConfig.optional(),
      resources: resources.optional(),
    }),
    entityOperator: z
      .strictObject({
        topicOperator: z.strictObject({ resources: resources.optional() }).optional(),
        userOperator: z.strictObject({ resources: resources.optional() }).optional(),
      })
      .optional(),
  }),
});

export const kafkaTopic = z.strictObject({
  apiVersion: z.literal('kafka.strimzi.io/v1beta2'),
  kind: z.literal('KafkaTopic'),
  metadata: metadata.extend({
    labels: labels.refine((l) => !!l['strimzi.io/cluster'], 'needs the strimzi.io/cluster label'),
  }),
  spec: z.strictObject({
    topicName: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,249}$/)
      .optional(),
    partitions: positiveInt,
    replicas: z.number().int().min(1).max(32767),
    config: kafkaConfig.optional(),
  }),
});

export const postgresCluster = z.strictObject({
  apiVersion: z.literal('postgresql.cnpg.io/v1'),
  kind: z.literal('Cluster'),
  metadata,
  spec: z.strictObject({
    instances: positiveInt,
    imageName: z
      .string()
      .regex(/^[^\s:]+:[^\s:]+$/, 'an image with a tag')
      .optional(),
    enableSuperuserAccess: z.boolean().optional(),
    bootstrap: z
      .strictObject({
        initdb: z.strictObject({
          database: z.string().regex(/^[a-z_][a-z0-9_]*$/),
          owner: z.string().regex(/^[a-z_][a-z0-9_]*$/),
          secret: z.strictObject({ name }).optional(),
        }),
      })
      .optional(),
    storage: z.strictObject({ size: quantity, storageClass: z.string().optional() }),
    resources: resources.optional(),
    postgresql: z
      .strictObject({ parameters: z.record(z.string(), z.string()).optional() })
      .optional(),
  }),
});

/** By `apiVersion kind`. */
export const OPERATOR_SCHEMAS: Record<string, z.ZodType> = {
  'kafka.strimzi.io/v1beta2 Kafka': kafka,
  'kafka.strimzi.io/v1beta2 KafkaNodePool': kafkaNodePool,
  'kafka.strimzi.io/v1beta2 KafkaTopic': kafkaTopic,
  'postgresql.cnpg.io/v1 Cluster': postgresCluster,
};
