-- Run once by the postgres image, when its data volume is first initialised
-- (docker-entrypoint-initdb.d). Database-per-service: each service connects as its own role,
-- which owns its database and nothing else, and no other role may even connect to it. The
-- names are the defaults of tools/db/services.ts (ecommerce_<service>); the passwords come
-- from the container's environment (docker-compose.yml); `npm run db:migrate` (the compose
-- `migrate` job, as each role) creates the tables.
-- A later edit here reaches an existing volume only after `docker compose down -v`.
\getenv user_password USER_DB_PASSWORD
\getenv inventory_password INVENTORY_DB_PASSWORD
\getenv order_password ORDER_DB_PASSWORD
\getenv payment_password PAYMENT_DB_PASSWORD
\getenv notification_password NOTIFICATION_DB_PASSWORD

CREATE ROLE ecommerce_user LOGIN PASSWORD :'user_password';
CREATE DATABASE ecommerce_user OWNER ecommerce_user;
REVOKE ALL ON DATABASE ecommerce_user FROM PUBLIC;

CREATE ROLE ecommerce_inventory LOGIN PASSWORD :'inventory_password';
CREATE DATABASE ecommerce_inventory OWNER ecommerce_inventory;
REVOKE ALL ON DATABASE ecommerce_inventory FROM PUBLIC;

CREATE ROLE ecommerce_order LOGIN PASSWORD :'order_password';
CREATE DATABASE ecommerce_order OWNER ecommerce_order;
REVOKE ALL ON DATABASE ecommerce_order FROM PUBLIC;

CREATE ROLE ecommerce_payment LOGIN PASSWORD :'payment_password';
CREATE DATABASE ecommerce_payment OWNER ecommerce_payment;
REVOKE ALL ON DATABASE ecommerce_payment FROM PUBLIC;

CREATE ROLE ecommerce_notification LOGIN PASSWORD :'notification_password';
CREATE DATABASE ecommerce_notification OWNER ecommerce_notification;
REVOKE ALL ON DATABASE ecommerce_notification FROM PUBLIC;
