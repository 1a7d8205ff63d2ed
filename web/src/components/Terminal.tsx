import { useEffect, useRef, useState, type FormEvent } from "react";
import { API } from "../api/client";

/** Channel bytes of the hub's exec WebSocket (docs/native-api.md "Reaching a task"). */
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const EXIT = 3;

/**
 * A line terminal into a running task (exec over the hub's tunnel, authenticated by the session
 * cookie; the hub checks the page's Origin). Each line typed is sent to the command's stdin.
 */
export function Terminal({ workloadId, index }: { workloadId: string; index: number }) {
  const [command, setCommand] = useState("sh");
  const [socket, setSocket] = useState<WebSocket | null>(null);
  const [output, setOutput] = useState("");
  const [line, setLine] = useState("");
  const out = useRef<HTMLPreElement>(null);
  const decoder = useRef(new TextDecoder());

  useEffect(() => () => socket?.close(), [socket]);
  useEffect(() => {
    out.current?.scrollTo({ top: out.current.scrollHeight });
  }, [output]);

  const open = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams([
      ["stdin", "1"],
      ...command
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => ["command", w]),
    ]);
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(
      `${scheme}://${location.host}${API}/workloads/${workloadId}/tasks/${index}/exec?${q}`,
    );
    ws.binaryType = "arraybuffer";
    ws.onmessage = (m: MessageEvent<ArrayBuffer>) => {
      const bytes = new Uint8Array(m.data);
      const channel = bytes[0];
      const body = bytes.subarray(1);
      if (channel === STDOUT || channel === STDERR)
        setOutput((o) => o + decoder.current.decode(body, { stream: true }));
      else if (channel === EXIT) setOutput((o) => `${o}\n[exited: ${new TextDecoder().decode(body)}]\n`);
    };
    ws.onclose = (c) => {
      setOutput((o) => `${o}\n[closed${c.reason ? `: ${c.reason}` : ""}]\n`);
      setSocket(null);
    };
    setOutput("");
    setSocket(ws);
  };
  const send = (e: FormEvent) => {
    e.preventDefault();
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const bytes = new TextEncoder().encode(`${line}\n`);
    const frame = new Uint8Array(bytes.length + 1);
    frame[0] = STDIN;
    frame.set(bytes, 1);
    socket.send(frame);
    setOutput((o) => `${o}$ ${line}\n`);
    setLine("");
  };
  return (
    <section className="card" aria-label={`Terminal, task ${index}`}>
      {!socket ? (
        <form onSubmit={open} className="inline">
          <label htmlFor="exec-command">Command</label>
          <input id="exec-command" value={command} onChange={(e) => setCommand(e.target.value)} />
          <button type="submit">Open terminal</button>
        </form>
      ) : (
        <button type="button" onClick={() => socket.close()}>
          Close terminal
        </button>
      )}
      <pre ref={out} className="log" aria-label="Terminal output" aria-live="polite">
        {output}
      </pre>
      {socket && (
        <form onSubmit={send} className="inline">
          <label htmlFor="exec-input">Input</label>
          <input
            id="exec-input"
            className="mono"
            value={line}
            onChange={(e) => setLine(e.target.value)}
            autoComplete="off"
          />
          <button type="submit">Send</button>
        </form>
      )}
    </section>
  );
}
