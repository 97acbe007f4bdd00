import type { EventDefinition } from '@ecommerce/contracts';
import { PoisonMessageError, type ReceivedEnvelope } from './envelope';

/** What a handler receives: the envelope, the decoded payload, and where the message came from. */
export interface InboundEvent<T> extends ReceivedEnvelope {
  payload: T;
  key: string | null;
  headers: Readonly<Record<string, string>>;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Handles one event inside the transaction that also records it in the inbox. Write through
 * `tx` only (the inbox row, the effect and any reply enqueued in the outbox commit together);
 * anything else it does (an email, an HTTP call) may happen twice.
 */
export type EventHandler<Tx, T> = (tx: Tx, event: InboundEvent<T>) => Promise<void>;

export interface Route<Tx> {
  type: string;
  /** Payload bytes → message; throws {@link PoisonMessageError} when they do not decode. */
  decode(value: Uint8Array | null): unknown;
  handle(tx: Tx, event: InboundEvent<unknown>): Promise<void>;
}

/** Handlers by CloudEvents type (`ce_type`); one handler per type, or the type ignored. */
export class HandlerRegistry<Tx> {
  private readonly routes = new Map<string, Route<Tx>>();
  private readonly ignored = new Set<string>();

  on<T>(event: EventDefinition<T>, handler: EventHandler<Tx, T>): this {
    this.refuseTwice(event.type);
    this.routes.set(event.type, {
      type: event.type,
      decode: (value) => {
        if (value === null) throw new PoisonMessageError(`${event.type}: message has no payload`);
        try {
          return event.codec.decode(value);
        } catch (error) {
          throw new PoisonMessageError(
            `${event.type}: payload does not decode (${(error as Error).message})`,
          );
        }
      },
      handle: (tx, inbound) => handler(tx, inbound as InboundEvent<T>),
    });
    return this;
  }

  /** A type this consumer knows and has nothing to do with: not decoded, not recorded. */
  ignore(event: EventDefinition<unknown>): this {
    this.refuseTwice(event.type);
    this.ignored.add(event.type);
    return this;
  }

  isIgnored(type: string): boolean {
    return this.ignored.has(type);
  }

  /** The route for a type, or undefined when nothing here handles it. */
  route(type: string): Route<Tx> | undefined {
    return this.routes.get(type);
  }

  /** The types with a handler (ignored ones not included). */
  get types(): string[] {
    return [...this.routes.keys()];
  }

  private refuseTwice(type: string): void {
    if (this.routes.has(type) || this.ignored.has(type))
      throw new Error(`a handler for ${type} is already registered`);
  }
}
