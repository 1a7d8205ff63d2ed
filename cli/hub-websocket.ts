// Opens a WebSocket to the hub's native API (exec, port-forward) with the CLI's token; a refused
// upgrade becomes the same typed error as any other API call.
import http from "node:http";
import https from "node:https";
import { API_PREFIX } from "./client";
import { HubApiError, HubUnreachableError } from "./errors";
import { newKey, WebSocketPeer, acceptKey } from "../lib/websocket";

export async function openHubWebSocket(
  hubUrl: string,
  token: string,
  method: "GET" | "POST",
  path: string,
  query: URLSearchParams = new URLSearchParams(),
): Promise<WebSocketPeer> {
  const url = new URL(hubUrl + API_PREFIX + path);
  url.search = query.toString();
  const key = newKey();
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": key,
      },
    });
    req.on("upgrade", (res, socket, head) => {
      if (res.headers["sec-websocket-accept"] !== acceptKey(key)) {
        socket.destroy();
        return reject(new HubUnreachableError(hubUrl, new Error("bad Sec-WebSocket-Accept from the hub")));
      }
      socket.setNoDelay(true);
      resolve(new WebSocketPeer(socket, true, head));
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => reject(apiError(res.statusCode ?? 0, text, path)));
    });
    req.on("error", (err) => reject(new HubUnreachableError(hubUrl, err)));
    req.end();
  });
}

function apiError(status: number, text: string, path: string): HubApiError {
  let o: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) o = parsed as Record<string, unknown>;
  } catch {
    // not the documented shape; the status and text still say what happened
  }
  const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  return new HubApiError({
    status,
    code: str(o.code) ?? `http_${status}`,
    message: str(o.message) ?? (text.trim().slice(0, 200) || `HTTP ${status}`),
    field: str(o.field),
    requestId: str(o.requestId),
    path,
  });
}
