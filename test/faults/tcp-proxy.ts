import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder in front of a server, for faults: `cut()` drops every connection through it
 * and refuses new ones, as a server that died or a network that split would, until `restore()`.
 * The server itself is untouched, so other tests sharing it see nothing.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private listeningPort = 0;

  constructor(
    readonly name: string,
    private readonly target: { readonly host: string; readonly port: number },
  ) {}

  get port(): number {
    return this.listeningPort;
  }

  /** Listens on `port` (0: any free one) and resolves with it. */
  async listen(port = this.listeningPort): Promise<number> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => {
        done();
      });
    });
    this.server = server;
    const address = server.address();
    this.listeningPort = typeof address === 'object' && address ? address.port : port;
    return this.listeningPort;
  }

  /** Refuses new connections and resets every open one. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((done) => {
      if (server)
        server.close(() => {
          done();
        });
      else done();
    });
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    await closed;
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen(this.listeningPort);
  }

  close(): Promise<void> {
    return this.cut();
  }
}
