module.exports = require('../../tools/webpack/node-app.config')(__dirname, {
  // @nestjs/swagger serves /docs through it on Fastify, loaded by name (an optional peer).
  runtimeDependencies: ['@fastify/static'],
});
