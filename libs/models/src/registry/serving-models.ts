import type { PoolClient } from 'pg';
import { createLogger } from '@amato/common';
import type { PostgresService } from '@amato/postgres';
import { MODELS_CHANNEL, type ModelRegistry, type ModelVersion } from './model-registry';

/** Turns a stored version into something that serves; throws (ModelArtifactError) if it cannot. */
export type ModelLoader<M = unknown> = (version: ModelVersion) => Promise<M> | M;

/** A model in service: the version it came from and when it was loaded. */
export interface Served<M = unknown> {
  readonly name: string;
  readonly version: number;
  readonly model: M;
  readonly loadedAt: string;
}

export interface ServingStatus {
  readonly name: string;
  readonly version: number | null;
  readonly loadedAt: string | null;
  /** The last version that could not be loaded, and why; serving went on with the one above. */
  readonly lastError: string | null;
}

/**
 * The active version of each model, loaded and kept current in a serving process (the API, the
 * processor): it loads what is active at start, then follows activations announced on
 * MODELS_CHANNEL, and polls as well (every `pollMs`) so a notification lost while its
 * connection was down is caught up. A version that fails to load is logged and recorded, and
 * the one already serving stays: a bad artifact never takes a model out of service.
 */
export class ServingModels {
  private readonly logger = createLogger(ServingModels.name);
  private readonly served = new Map<string, Served>();
  private readonly errors = new Map<string, string>();
  private listener: PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private refreshing = Promise.resolve();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly postgres: PostgresService,
    private readonly schema: string,
    private readonly loaders: Readonly<Record<string, ModelLoader>>,
    private readonly pollMs = 30_000,
    /** How long a replaced model stays usable for calls already holding it, then is released. */
    private readonly retireAfterMs = 60_000,
  ) {}

  /** Loads the active versions and starts following activations. */
  async start(): Promise<void> {
    await this.refreshAll();
    await this.listen();
    this.timer = setInterval(() => void this.refreshAll(), this.pollMs);
    this.timer.unref();
  }

  /** Nest calls this before any module closes its stores, so the listener is released first. */
  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const client = this.listener;
    this.listener = undefined;
    if (client) {
      await client.query(`UNLISTEN ${MODELS_CHANNEL}`).catch(() => undefined);
      client.release();
    }
    await this.refreshing;
  }

  current<M>(name: string): Served<M> | undefined {
    return this.served.get(name) as Served<M> | undefined;
  }

  status(): ServingStatus[] {
    return Object.keys(this.loaders).map((name) => {
      const s = this.served.get(name);
      return {
        name,
        version: s?.version ?? null,
        loadedAt: s?.loadedAt ?? null,
        lastError: this.errors.get(name) ?? null,
      };
    });
  }

  /** Checks every model now (serially, so two refreshes never load the same version twice). */
  refreshAll(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      for (const name of Object.keys(this.loaders)) {
        if (this.stopped) return;
        await this.refresh(name).catch((err: unknown) => {
          this.logger.warn({ err, model: name }, 'could not check the active model version');
        });
      }
    });
    return this.refreshing;
  }

  private async refresh(name: string): Promise<void> {
    const version = await this.registry.activeVersion(name);
    if (version === undefined || version === this.served.get(name)?.version) return;
    const stored = await this.registry.get(name, version);
    const loader = this.loaders[name];
    if (!stored || !loader) return;
    try {
      const model = await loader(stored);
      const previous = this.served.get(name);
      this.served.set(name, { name, version, model, loadedAt: new Date().toISOString() });
      if (previous) retire(previous.model, this.retireAfterMs);
      this.errors.delete(name);
      this.logger.info({ model: name, version }, 'serving model version');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Remember it so the same bad version is not reloaded on every poll.
      if (this.errors.get(name) !== `${version}: ${message}`) {
        this.logger.error(
          { model: name, version, err: message },
          'model version refused; keeping the one serving',
        );
      }
      this.errors.set(name, `${version}: ${message}`);
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    try {
      const client = await this.postgres.pool.connect();
      client.on('notification', (msg) => {
        if (msg.channel !== MODELS_CHANNEL) return;
        const payload = JSON.parse(msg.payload ?? '{}') as { schema?: string };
        if (payload.schema === this.schema) void this.refreshAll();
      });
      client.on('error', (err) => {
        this.logger.warn({ err: err.message }, 'model notifications lost; polling until back');
        this.listener = undefined;
        client.release(err);
        setTimeout(() => void this.listen(), 5_000).unref();
      });
      await client.query(`LISTEN ${MODELS_CHANNEL}`);
      this.listener = client;
    } catch (err) {
      this.logger.warn(
        { err },
        'cannot listen for model activations; polling every %d ms',
        this.pollMs,
      );
      setTimeout(() => void this.listen(), 5_000).unref();
    }
  }
}

/** Frees a replaced model's native resources (an ONNX session) once calls in flight are done. */
function retire(model: unknown, afterMs: number): void {
  const release = (model as { release?: unknown } | null)?.release;
  if (typeof release !== 'function') return;
  setTimeout(() => {
    void Promise.resolve(release.call(model)).catch(() => undefined);
  }, afterMs).unref();
}
