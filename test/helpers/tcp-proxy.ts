import net from "node:net";

/**
 * A loopback TCP proxy that can simulate a flaky link: freeze() stops moving bytes without closing
 * anything (a silent partition), thaw() resumes, dropAll() resets every connection, refuse() makes
 * its port refuse connections (a hub that is down) until listenAgain().
 */
export class TcpProxy {
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private frozen = false;

  private constructor(
    private readonly server: net.Server,
    readonly address: string,
  ) {}

  private get port(): number {
    return Number(this.address.slice(this.address.lastIndexOf(":") + 1));
  }

  static async start(target: string): Promise<TcpProxy> {
    const i = target.lastIndexOf(":");
    const host = target.slice(0, i);
    const port = Number(target.slice(i + 1));
    let proxy: TcpProxy | null = null;
    const server = net.createServer((client) => {
      const upstream = net.connect(port, host);
      const pair: [net.Socket, net.Socket] = [client, upstream];
      proxy?.pairs.add(pair);
      const forward = (from: net.Socket, to: net.Socket) =>
        from.on("data", (chunk) => {
          if (!proxy?.frozen) to.write(chunk);
        });
      forward(client, upstream);
      forward(upstream, client);
      const done = () => {
        client.destroy();
        upstream.destroy();
        proxy?.pairs.delete(pair);
      };
      client.on("close", done).on("error", done);
      upstream.on("close", done).on("error", done);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    proxy = new TcpProxy(server, `127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    return proxy;
  }

  /** Bytes in either direction are dropped until thaw(). */
  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
  }

  dropAll(): void {
    for (const [a, b] of this.pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.pairs.clear();
  }

  /** Resets every connection and stops listening: connecting to `address` is refused. */
  async refuse(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dropAll();
    await closed;
  }

  /** Listens on the same port again after refuse(). */
  async listenAgain(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.dropAll();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
