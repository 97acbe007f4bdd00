'use strict';
/**
 * Health check of a backend container: asks the standard gRPC health service
 * (grpc.health.v1.Health/Check) and exits 0 only when it answers SERVING within the deadline;
 * exit 1 otherwise (NOT_SERVING, unknown service, unreachable, too slow).
 *
 *   node deploy/docker/grpc-health-probe.js [host:port] [service]
 *
 * Defaults: 127.0.0.1:$GRPC_PORT and the empty service name (the whole server; a backend says
 * SERVING only while its database answers). Plain Node on production dependencies, because
 * the runtime image has neither tsx nor dev dependencies.
 */
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { protoPath } = require('grpc-health-check');

const DEADLINE_MS = 3000;

function fail(message) {
  process.stderr.write(`grpc-health-probe: ${message}\n`);
  process.exit(1);
}

const address =
  process.argv[2] || (process.env.GRPC_PORT ? `127.0.0.1:${process.env.GRPC_PORT}` : '');
const service = process.argv[3] || '';
if (!address) fail('no address: pass host:port or set GRPC_PORT');

const definition = protoLoader.loadSync(protoPath, { enums: String, defaults: true });
const { Health } = grpc.loadPackageDefinition(definition).grpc.health.v1;
const client = new Health(address, grpc.credentials.createInsecure());

client.check({ service }, { deadline: Date.now() + DEADLINE_MS }, (error, response) => {
  client.close();
  if (error) fail(`${address}: ${error.message}`);
  process.stdout.write(`${address}${service ? ` ${service}` : ''}: ${response.status}\n`);
  process.exit(response.status === 'SERVING' ? 0 : 1);
});
