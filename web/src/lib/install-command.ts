/**
 * The command a join token's creator copies onto the new node (README "Joining a node"):
 * scripts/install-agent.sh with the hub's agent address and the token.
 */
export interface InstallCommandInput {
  /** The hub's host as the browser reached it (the agents' address is the same host). */
  hubHost: string;
  /** The hub's gRPC port for agents (GET /api/corral/v1/hub). */
  agentPort: number;
  token: string;
  /** The cluster the token is for, if any. */
  cluster?: string | null;
}

/** Single-quotes a word for a POSIX shell when it holds anything but safe characters. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** A bracketed IPv6 literal stays bracketed before the port. */
const hostPort = (host: string, port: number): string =>
  host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;

export function installCommand(i: InstallCommandInput): string {
  const words = [
    "sudo",
    "bash",
    "scripts/install-agent.sh",
    "--hub",
    hostPort(i.hubHost, i.agentPort),
    "--token",
    i.token,
    ...(i.cluster ? ["--cluster", i.cluster] : []),
  ];
  return words.map(shellQuote).join(" ");
}
