import { ValidationError } from "../../core/errors";
import type { TunnelChannel } from "../../core/tunnels";
import type { ApiContext } from "../context";
import type { UpgradeSocket } from "./upgrade";
import { acceptKey, WebSocketPeer } from "../../../lib/websocket";

/**
 * Exec WebSocket channels: every binary message starts with one byte naming its channel
 * (docs/native-api.md "Exec"). Client -> hub: STDIN data, STDIN_EOF, RESIZE (JSON {cols, rows}).
 * Hub -> client: STDOUT, STDERR, then EXIT (JSON {exitCode}) and a normal close (1000).
 */
export const EXEC_CHANNEL = { stdin: 0, stdout: 1, stderr: 2, exit: 3, resize: 4, stdinEof: 5 } as const;
/** Close code when the tunnel to the task failed while the WebSocket was open (bad gateway). */
export const CLOSE_TUNNEL_LOST = 1014;

/** Answers the upgrade with 101 (RFC 6455 §4.2.2) and takes the socket over. */
export function acceptWebSocket(ctx: ApiContext, up: UpgradeSocket): WebSocketPeer {
  const key = ctx.get("sec-websocket-key");
  if (ctx.get("upgrade").toLowerCase() !== "websocket" || !key)
    throw new ValidationError("upgrade", "expected a WebSocket upgrade with Sec-WebSocket-Key");
  ctx.respond = false;
  up.socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  );
  return new WebSocketPeer(up.socket, false, up.head);
}

/** Carries one exec between the client's WebSocket and the agent's tunnel. */
export function bridgeExec(ws: WebSocketPeer, channel: TunnelChannel): void {
  const tag = (ch: number, d: Buffer) => Buffer.concat([Buffer.of(ch), d]);
  channel.on("data", (d: Buffer) => {
    if (!ws.send(tag(EXEC_CHANNEL.stdout, d))) channel.pause();
  });
  channel.on("stderr", (d: Buffer) => ws.send(tag(EXEC_CHANNEL.stderr, d)));
  ws.on("drain", () => channel.resume());
  channel.on("end", () => {
    ws.send(tag(EXEC_CHANNEL.exit, Buffer.from(JSON.stringify({ exitCode: channel.exitCode }))));
    ws.close(1000, "exited");
  });
  channel.on("error", (err: Error) => ws.close(CLOSE_TUNNEL_LOST, err.message));
  ws.on("message", (m: Buffer) => {
    const ch = m[0];
    if (ch === EXEC_CHANNEL.stdin) {
      if (!channel.write(m.subarray(1))) ws.pause();
    } else if (ch === EXEC_CHANNEL.stdinEof) channel.end();
    else if (ch === EXEC_CHANNEL.resize) {
      const s = JSON.parse(m.subarray(1).toString("utf8")) as { cols?: number; rows?: number };
      if (Number.isInteger(s.cols) && Number.isInteger(s.rows))
        channel.resize(s.cols as number, s.rows as number);
    }
  });
  channel.on("drain", () => ws.resume());
  ws.on("close", () => channel.destroy());
}

/** Port-forward: binary messages are raw TCP bytes to and from the task port, both ways. */
export function bridgeBytes(ws: WebSocketPeer, channel: TunnelChannel): void {
  channel.on("data", (d: Buffer) => {
    if (!ws.send(d)) channel.pause();
  });
  ws.on("drain", () => channel.resume());
  channel.on("end", () => ws.close(1000, "the task closed the connection"));
  channel.on("error", (err: Error) => ws.close(CLOSE_TUNNEL_LOST, err.message));
  ws.on("message", (m: Buffer) => {
    if (!channel.write(m)) ws.pause();
  });
  channel.on("drain", () => ws.resume());
  ws.on("close", () => channel.destroy());
}
