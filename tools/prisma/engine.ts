import { readFile } from 'node:fs/promises';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { createScratchDatabase, dropDatabaseIfExists } from '../db/admin';
import { connectPostgresAdapter } from './postgres-adapter';

/**
 * Prisma's schema engine, compiled to WebAssembly (`@prisma/schema-engine-wasm`),
 * talking to Postgres through `@prisma/adapter-pg`. It is the engine the CLI
 * drives as a native binary over JSON-RPC; here we call the same methods directly.
 */

type EngineBindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

/** The slice of the WebAssembly global we use (the workspace's `lib` has no DOM, hence no types for it). */
interface WebAssemblyApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, object>,
  ): Promise<{ instance: { exports: object } }>;
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

let bindings: Promise<EngineBindings> | undefined;

/**
 * Where the wasm glue reports a Rust panic's message before it aborts with an
 * opaque `RuntimeError: unreachable` (thrown outside any promise we hold, so
 * it surfaces as an uncaught exception; the CLI prints this message then).
 */
const panicRegistry = {
  message: undefined as string | undefined,
  set_message(message: string) {
    this.message = message;
  },
};

export function lastEnginePanic(): string | undefined {
  return panicRegistry.message;
}

/** The package exports only its JS glue; the module sits beside it. */
export function schemaEngineWasmPath(): string {
  return require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
}

/**
 * The package's own entry point imports the `.wasm` file as an ES module,
 * which Node does not support without a flag, so we instantiate it by hand
 * exactly as that entry point would. Once per process: the bindings keep the
 * instance in a module-level variable.
 */
function loadBindings(): Promise<EngineBindings> {
  bindings ??= (async () => {
    Object.assign(globalThis, { PRISMA_WASM_PANIC_REGISTRY: panicRegistry });
    const glue: EngineBindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const { instance } = await WebAssembly.instantiate(await readFile(schemaEngineWasmPath()), {
      './schema_engine_bg.js': glue,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return glue;
  })();
  return bindings;
}

/**
 * Connects the engine to `url` and, when it asks for a shadow database (to
 * replay a migrations folder), creates a scratch database on the same server
 * and drops it when the engine lets go of it.
 *
 * `@prisma/adapter-pg`'s own `connectToShadowDb` drops the shadow database
 * before closing its pool ("database is being accessed by other users") and
 * builds the shadow URL in a way a `connectionString` overrides; hence this class.
 */
class PostgresAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  private readonly open = new Set<SqlDriverAdapter>();

  constructor(private readonly url: string) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.track(await connectPostgresAdapter(this.url));
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const shadowUrl = await createScratchDatabase(this.url, 'shadow');
    try {
      return this.track(await connectPostgresAdapter(shadowUrl), () =>
        dropDatabaseIfExists(shadowUrl),
      );
    } catch (error) {
      await dropDatabaseIfExists(shadowUrl);
      throw error;
    }
  }

  async disposeAll(): Promise<void> {
    for (const adapter of [...this.open]) await adapter.dispose();
  }

  /** Makes `dispose` idempotent (the engine and `disposeAll` may both call it) and runs `after` once closed. */
  private track(adapter: SqlDriverAdapter, after?: () => Promise<void>): SqlDriverAdapter {
    const close = adapter.dispose.bind(adapter);
    let closing: Promise<void> | undefined;
    adapter.dispose = () => {
      closing ??= (async () => {
        this.open.delete(adapter);
        await close();
        await after?.();
      })();
      return closing;
    };
    this.open.add(adapter);
    return adapter;
  }
}

export interface EngineSession {
  readonly engine: SchemaEngine;
  close(): Promise<void>;
}

export interface EngineOptions {
  /** The database the engine works on. Commands that only diff still need a server for shadow databases. */
  url: string;
  /** The Prisma schema, as files (path, content). */
  schemaFiles: readonly { path: string; content: string }[];
}

function logEngineEvent(line: string): void {
  if (process.env['PRISMA_SCHEMA_ENGINE_LOG']) process.stderr.write(`schema-engine: ${line}\n`);
}

export async function openEngine({ url, schemaFiles }: EngineOptions): Promise<EngineSession> {
  const glue = await loadBindings();
  const factory = new PostgresAdapterFactory(url);
  const engine = await glue.SchemaEngine.new(
    { datamodels: schemaFiles.map((file): [string, string] => [file.path, file.content]) },
    logEngineEvent,
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    async close() {
      engine.free();
      await factory.disposeAll();
    },
  };
}

export async function withEngine<T>(
  options: EngineOptions,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const session = await openEngine(options);
  try {
    return await work(session.engine);
  } finally {
    await session.close();
  }
}
