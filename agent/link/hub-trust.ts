import fs from "node:fs";
import net from "node:net";
import tls from "node:tls";
import type { Logger } from "pino";
import { memoLast } from "../../lib/memo-last";
import { certificateFingerprint } from "../../lib/pki/certificates";
import { hubEndpoint } from "./hub-endpoint";
import type { NodeTlsStore } from "../state/node-tls";

/** How long fetching the hub's presented CA may take. @default 10_000 ms */
const PROBE_TIMEOUT_MS = 10_000;

/** The hub presented a CA this agent does not trust: never retried into trusting it. */
export class HubCaError extends Error {
  constructor(
    message: string,
    /** The CA the agent expected (pinned, from the token or from CORRAL_HUB_CA_FILE). */
    readonly expectedFingerprint: string,
    /** What the hub presented; null when it could not be read. */
    readonly presentedFingerprint: string | null,
  ) {
    super(message);
    this.name = "HubCaError";
  }
}

export interface HubTrustOptions {
  /** host:port of the hub's gRPC endpoint. */
  hub: string;
  /** CORRAL_HUB_CA_FILE: the CA to trust, given explicitly (wins over a pinned one). */
  caFile: string | undefined;
  store: NodeTlsStore;
  logger: Logger;
}

/**
 * Which hub CA the agent trusts (issue 13), in order: CORRAL_HUB_CA_FILE; the CA pinned at the
 * first join; at a first join, the CA the hub presents when it matches the join token's
 * fingerprint (K10<sha256>::secret), or, for a bare token, whatever it presents (trust on first use,
 * warned loudly). Once pinned, a different CA is refused (HubCaError).
 */
export class HubTrust {
  /** Fingerprints of the known and the presented CA, each computed once per PEM (every reconnect asks). */
  private readonly knownFingerprint = memoLast(certificateFingerprint);
  private readonly presentedFingerprint = memoLast(certificateFingerprint);

  constructor(private readonly o: HubTrustOptions) {}

  /** The CA PEM to verify the hub with; null when none is known yet (a first join). */
  known(): string | null {
    if (this.o.caFile) return fs.readFileSync(this.o.caFile, "utf8");
    return this.o.store.read("hubCa");
  }

  /**
   * The CA for a join with a token carrying `tokenFingerprint` (null: a bare token): the known
   * one (checked against the token's fingerprint), or the hub's, fetched, checked and pinned.
   */
  async forJoin(tokenFingerprint: string | null): Promise<string> {
    const known = this.known();
    if (known) {
      const fp = this.knownFingerprint(known);
      if (tokenFingerprint !== null && tokenFingerprint !== fp)
        throw new HubCaError(
          `the join token is for hub CA ${tokenFingerprint}, but this agent trusts ${fp}` +
            (this.o.caFile
              ? ` (CORRAL_HUB_CA_FILE ${this.o.caFile})`
              : ` (pinned in ${this.o.store.hubCaPath ?? "memory"})`),
          fp,
          tokenFingerprint,
        );
      return known;
    }
    const presented = await presentedCa(this.o.hub);
    const fp = certificateFingerprint(presented);
    if (tokenFingerprint !== null) {
      if (fp !== tokenFingerprint)
        throw new HubCaError(
          `hub ${this.o.hub} presents CA ${fp}, but the join token names ${tokenFingerprint}: refusing to join`,
          tokenFingerprint,
          fp,
        );
      this.o.logger.info({ caFingerprint: fp }, "hub CA verified against the join token; pinned");
    } else {
      this.o.logger.warn(
        { caFingerprint: fp, pinnedIn: this.o.store.hubCaPath },
        "TRUST ON FIRST USE: the join token carries no CA fingerprint, so this agent trusts the CA hub " +
          `${this.o.hub} presented (sha256 ${fp}) and pins it. Check it against the hub's ` +
          "`corral-hub` start line (caFingerprint), or use a K10<sha256>::<token> join token or " +
          "CORRAL_HUB_CA_FILE.",
      );
    }
    this.o.store.write("hubCa", presented);
    return presented;
  }

  /**
   * After a TLS failure with a known CA: a HubCaError when the hub now presents another CA (the
   * failure was no network hiccup), else null.
   */
  async checkChanged(): Promise<HubCaError | null> {
    const known = this.known();
    if (!known) return null;
    const expected = this.knownFingerprint(known);
    let presented: string;
    try {
      presented = this.presentedFingerprint(await presentedCa(this.o.hub));
    } catch {
      return null;
    }
    if (presented === expected) return null;
    return new HubCaError(
      `hub ${this.o.hub} presents CA ${presented}, not the trusted ${expected}: refusing it ` +
        `(a hub with a new CA needs CORRAL_HUB_CA_FILE, or remove ${this.o.store.hubCaPath ?? "the pin"} and join again)`,
      expected,
      presented,
    );
  }
}

let probeSecureContext: tls.SecureContext | null = null;

/**
 * The probe's TLS context, made once: it trusts nothing (the probe only reads), and tls.connect
 * would otherwise make a new one per probe (~0.3 ms under OpenSSL 3.0).
 */
function probeContext(): tls.SecureContext {
  return (probeSecureContext ??= tls.createSecureContext({}));
}

/** The root of the chain the hub's TLS endpoint presents (PEM), read without trusting it. */
export function presentedCa(target: string): Promise<string> {
  const { host, port } = hubEndpoint(target);
  const hub = target.slice(target.lastIndexOf("/") + 1);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      secureContext: probeContext(),
      ...(net.isIP(host) ? {} : { servername: host }),
      ALPNProtocols: ["h2"],
      // Only reading what it presents: the real connection verifies against what we pick here.
      rejectUnauthorized: false,
      timeout: PROBE_TIMEOUT_MS,
    });
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.once("timeout", () => fail(new Error(`hub ${hub} did not complete a TLS handshake`)));
    socket.once("error", (err) => fail(new Error(`hub ${hub} TLS: ${err.message}`)));
    socket.once("secureConnect", () => {
      // The X509 objects, not getPeerCertificate(true): that one decodes every certificate's
      // public key into a JS object (~0.25 ms each under OpenSSL 3.0), and only the bytes are needed.
      let cert = socket.getPeerX509Certificate();
      // Walk to the self-signed root (its issuer is itself).
      for (let i = 0; i < 8 && cert?.issuerCertificate; i++) {
        if (cert.issuerCertificate.fingerprint256 === cert.fingerprint256) break;
        cert = cert.issuerCertificate;
      }
      socket.destroy();
      if (!cert) return reject(new Error(`hub ${hub} presented no certificate`));
      resolve(toPem(cert.raw));
    });
  });
}

function toPem(der: Buffer): string {
  const b64 = der.toString("base64").replace(/(.{64})/g, "$1\n");
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}
