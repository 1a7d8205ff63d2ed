import { Duplex } from "node:stream";
import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { TunnelFrame } from "../../proto/gen/corral/v1/agent_link";
import { asBuffer, writeDataFrames, TUNNEL_BUFFER_BYTES } from "../../lib/tunnel-frames";
import type { HubTunnelFrame } from "./tunnel-service";
import type { TunnelChannel } from "../core/tunnels";

/**
 * One AgentLink.Tunnel call as a byte Duplex (TCP bytes, or exec stdin/stdout). Backpressure is
 * the call's: a full read buffer pauses the call, which stops reading its HTTP/2 stream, so the
 * agent's writes wait on the stream's flow-control window; writes complete when grpc-js has handed
 * the frame to HTTP/2. Exec extras: "stderr" (Buffer) and "exit" (code) events, resize().
 */
export class GrpcTunnelChannel extends Duplex implements TunnelChannel {
  private exit: number | null = null;
  private peerEnded = false;
  private finished = false;
  private callDone = false;

  constructor(private readonly call: ServerDuplexStream<TunnelFrame, HubTunnelFrame>) {
    super({
      allowHalfOpen: true,
      readableHighWaterMark: TUNNEL_BUFFER_BYTES,
      writableHighWaterMark: TUNNEL_BUFFER_BYTES,
    });
    call.on("data", (f: TunnelFrame) => this.frame(f));
    call.on("end", () => {
      this.peerEnd();
      this.endCallWhenDone();
    });
    call.on("error", (err: Error) => this.destroy(err));
    call.on("cancelled", () => this.destroy(new Error("the agent closed the tunnel")));
  }

  /** The exec'd command's exit code once the agent sent it; null before (and for port tunnels). */
  get exitCode(): number | null {
    return this.exit;
  }

  resize(cols: number, rows: number): void {
    if (!this.callDone) this.call.write({ body: { $case: "resize", value: { cols, rows } } });
  }

  // Node's http client and agent treat a connection as a socket; these are no-ops on a tunnel
  // (the pool, hub/api/tunnel/connection-pool.ts, times idle tunnels out itself).
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  override _read(): void {
    this.call.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.callDone) return cb(new Error("tunnel closed"));
    writeDataFrames(this.call, [chunk], cb);
  }

  /** Chunks queued while a frame was in flight go out as one frame (up to MAX_FRAME_PAYLOAD). */
  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    if (this.callDone) return cb(new Error("tunnel closed"));
    writeDataFrames(
      this.call,
      chunks.map((c) => c.chunk),
      cb,
    );
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.callDone) this.call.write({ body: { $case: "end", value: {} } });
    this.finished = true;
    this.endCallWhenDone();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.endCall();
    cb(err);
  }

  private frame(f: TunnelFrame): void {
    switch (f.body?.$case) {
      case "data":
        if (!this.push(asBuffer(f.body.value))) this.call.pause();
        return;
      case "stderr":
        this.emit("stderr", asBuffer(f.body.value));
        return;
      case "end":
        return this.peerEnd();
      case "exit":
        this.exit = f.body.value.code;
        this.emit("exit", this.exit);
        return;
      default:
        return;
    }
  }

  private peerEnd(): void {
    if (this.peerEnded) return;
    this.peerEnded = true;
    this.push(null);
  }

  /** The call ends (its status goes out) once both directions are done. */
  private endCallWhenDone(): void {
    if (this.peerEnded && this.finished) this.endCall();
  }

  private endCall(): void {
    if (this.callDone) return;
    this.callDone = true;
    this.call.end();
  }
}
