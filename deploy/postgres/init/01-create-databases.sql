-- Run once by the postgres image, when its data volume is first initialised
-- (docker-entrypoint-initdb.d). Database-per-service: each service owns one of these and
-- no service reads another's tables. The names are the defaults of tools/db/services.ts
-- (ecommerce_<service>); `npm run db:migrate` (the compose `migrate` job) creates the tables.
-- A later edit here reaches an existing volume only after `docker compose down -v`.
CREATE DATABASE ecommerce_user;
CREATE DATABASE ecommerce_inventory;
CREATE DATABASE ecommerce_order;
CREATE DATABASE ecommerce_payment;
CREATE DATABASE ecommerce_notification;
