import { type SseEvent, SseParser } from './sse';

const KEY_STORAGE = 'amato.apiKey';

/** What went wrong with a request, in words a person can act on. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The message of an error body `{ statusCode, error, message }`, or the status line. */
async function problemOf(response: Response): Promise<ApiProblem> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') message = body.message;
    else if (Array.isArray(body.message)) message = body.message.join('; ');
  } catch {
    // not JSON: the status line says it
  }
  return new ApiProblem(response.status, message);
}

/**
 * The API as the dashboard calls it: the key entered once, kept in this browser's storage and
 * sent in X-API-Key (never in a URL); a refused key asks for a new one.
 */
export class Api {
  private key: string | null;

  constructor(
    private readonly onKeyRefused: () => void,
    private readonly storage: Storage = window.localStorage,
  ) {
    this.key = storage.getItem(KEY_STORAGE);
  }

  get hasKey(): boolean {
    return this.key !== null;
  }

  /** Checks a key against the API and keeps it if it is accepted. */
  async useKey(key: string): Promise<void> {
    const response = await fetch('/', { headers: { 'x-api-key': key } });
    if (!response.ok) throw await problemOf(response);
    this.key = key;
    this.storage.setItem(KEY_STORAGE, key);
  }

  forgetKey(): void {
    this.key = null;
    this.storage.removeItem(KEY_STORAGE);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, ...(this.key === null ? {} : { 'x-api-key': this.key }) };
  }

  private async checked(response: Response): Promise<Response> {
    if (response.status === 401) {
      this.forgetKey();
      this.onKeyRefused();
    }
    if (!response.ok) throw await problemOf(response);
    return response;
  }

  /** fetch, with a network failure said as the API not answering. */
  private async send(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(path, {
        ...init,
        headers: this.headers(init.headers as Record<string, string>),
      });
    } catch (err) {
      throw new ApiProblem(0, `the API does not answer: ${(err as Error).message}`);
    }
  }

  async get<T>(path: string): Promise<T> {
    return (await (await this.checked(await this.send(path))).json()) as T;
  }

  /** GET that also answers with a body on 503 (/health says which dependency is down). */
  async getEvenIfUnavailable<T>(path: string): Promise<T> {
    const response = await this.send(path);
    if (response.status === 503) return (await response.json()) as T;
    return (await (await this.checked(response)).json()) as T;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const response = await this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await (await this.checked(response)).json()) as T;
  }

  /**
   * Follows a server-sent event stream with the key in its headers (EventSource cannot send
   * one); resolves when the stream ends, rejects with the API's message when it is refused.
   */
  async stream(path: string, onEvent: (e: SseEvent) => void, signal: AbortSignal): Promise<void> {
    const response = await this.checked(
      await fetch(path, { headers: this.headers({ accept: 'text/event-stream' }), signal }),
    );
    const reader = response.body?.getReader();
    if (!reader) throw new ApiProblem(0, 'the browser gave no stream to read');
    const decoder = new TextDecoder();
    const parser = new SseParser();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (const e of parser.push(decoder.decode(value, { stream: true }))) onEvent(e);
    }
  }
}
