/**
 * The Ed25519 key docker-compose.yml once carried as user-service's JWT_PRIVATE_KEY. It is
 * public (in the history of every fork), so with NODE_ENV=production a service refuses it;
 * the tests that show the refusal need the key itself.
 */
export const COMMITTED_DEVELOPMENT_KEY =
  '-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIK5ZvB8cXI0vLw/wMJ6ggF18QJO5b1lPjBcuZ6mMbpPs\\n-----END PRIVATE KEY-----';
