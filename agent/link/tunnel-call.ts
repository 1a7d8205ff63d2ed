import { Duplex } from "node:stream";
import type { ClientDuplexStream } from "@grpc/grpc-js";
import type { TunnelFrame } from "../../proto/gen/corral/v1/agent_link";
import { asBuffer, writeDataFrames, TUNNEL_BUFFER_BYTES } from "../../lib/tunnel-frames";
import type { AgentTunnelFrame } from "./tunnel-client";

/**
 * The agent's end of one AgentLink.Tunnel call as a byte Duplex: "data" frames in and out, with
 * backpressure through the call (a full read buffer pauses it, so HTTP/2 flow control holds the
 * hub's writes). Exec frames surface as "resize" ({cols, rows}) events; sendStderr() and
 * sendExit() send the agent-only frames.
 */
export class TunnelCall extends Duplex {
  private peerEnded = false;
  private finished = false;
  private callDone = false;

  constructor(private readonly call: ClientDuplexStream<AgentTunnelFrame, TunnelFrame>) {
    super({
      allowHalfOpen: true,
      readableHighWaterMark: TUNNEL_BUFFER_BYTES,
      writableHighWaterMark: TUNNEL_BUFFER_BYTES,
    });
    call.on("data", (f: TunnelFrame) => this.frame(f));
    call.on("end", () => {
      this.peerEnd();
      this.destroy();
    });
    call.on("error", (err: Error) => this.destroy(err));
  }

  /** The first frame of every tunnel: which request it answers, and why it failed (empty: it did not). */
  attach(tunnelId: string, error: string): void {
    this.call.write({ body: { $case: "attach", value: { tunnelId, error } } });
  }

  sendStderr(chunk: Buffer, cb?: () => void): boolean {
    if (this.callDone) return true;
    return this.call.write({ body: { $case: "stderr", value: chunk } }, cb);
  }

  sendExit(code: number): void {
    if (!this.callDone) this.call.write({ body: { $case: "exit", value: { code } } });
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
    if (this.peerEnded) this.endCall();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (err) {
      this.callDone = true;
      this.call.cancel();
    } else this.endCall();
    cb(err);
  }

  private frame(f: TunnelFrame): void {
    switch (f.body?.$case) {
      case "data":
        if (!this.push(asBuffer(f.body.value))) this.call.pause();
        return;
      case "end":
        this.peerEnd();
        if (this.finished) this.endCall();
        return;
      case "resize":
        this.emit("resize", f.body.value);
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

  /** Half-closes the call; the hub ends it (its status) once both sides are done. */
  private endCall(): void {
    if (this.callDone) return;
    this.callDone = true;
    this.call.end();
  }
}
