import type { SchemaFilter } from '@prisma/schema-engine-wasm';

/** No externally managed tables or enums: every table in a service database belongs to its schema. */
export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
