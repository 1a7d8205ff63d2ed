import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  certificateFacts,
  certificateFingerprint,
  createCa,
  generateKeyPair,
  issueCertificate,
  issuedBy,
  privateKeyType,
  subjectKeyFromPem,
  type CaMaterial,
  type IssuedCertificate,
  type SubjectKey,
} from "../../lib/pki/certificates";
import { writeFileAtomic } from "./atomic-write";

/** CA lifetime. @default 10 years */
const CA_DAYS = 3650;
/** Server certificate lifetime; reissued at start when less than a third is left. @default 1 year */
const SERVER_CERT_MS = 365 * 86_400_000;

/** A key and the certificate chain (leaf, then the CA) a TLS server presents. */
export interface ServerIdentity {
  keyPem: string;
  certPem: string;
  /** Leaf + CA, PEM. */
  chainPem: string;
}

/**
 * The hub's own certificate authority (issue 13), kept in `<dataDir>/tls`: `ca.crt` (readable,
 * 0644), `ca.key` (0600), created on first start. It signs the hub's server certificate (gRPC and,
 * with CORRAL_HTTP_TLS=auto, HTTP) and every node's client certificate.
 */
export class HubCa {
  readonly fingerprint: string;

  private constructor(
    readonly dir: string,
    private readonly material: CaMaterial,
  ) {
    this.fingerprint = certificateFingerprint(material.certPem);
  }

  get certPem(): string {
    return this.material.certPem;
  }

  get certFile(): string {
    return path.join(this.dir, "ca.crt");
  }

  /** Loads `<dataDir>/tls/ca.{crt,key}`, creating both on first start. */
  static async open(dataDir: string): Promise<HubCa> {
    const dir = path.join(dataDir, "tls");
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const certFile = path.join(dir, "ca.crt");
    const keyFile = path.join(dir, "ca.key");
    if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
      fs.chmodSync(keyFile, 0o600);
      return new HubCa(dir, {
        certPem: fs.readFileSync(certFile, "utf8"),
        keyPem: fs.readFileSync(keyFile, "utf8"),
      });
    }
    const material = await createCa(`Corral hub CA ${os.hostname()}`, CA_DAYS);
    // Key first: a crash between the two writes leaves no certificate without its key.
    writeFileAtomic(keyFile, material.keyPem, 0o600);
    writeFileAtomic(certFile, material.certPem, 0o644);
    return new HubCa(dir, material);
  }

  /**
   * The hub's TLS server identity for `sans` (DNS names and IPs), kept as `server.{crt,key}` and
   * reissued when the names change, less than a third of its life is left, or its key is not
   * ECDSA (a hub from before issue 15 had an RSA one: each handshake's signature cost ~30x more).
   * Agents trust the CA, not this certificate, so a reissue needs nothing from them.
   */
  async serverIdentity(sans: readonly string[]): Promise<ServerIdentity> {
    const certFile = path.join(this.dir, "server.crt");
    const keyFile = path.join(this.dir, "server.key");
    const namesFile = path.join(this.dir, "server.names");
    const names = [...new Set(sans)].sort().join(",");
    try {
      const certPem = fs.readFileSync(certFile, "utf8");
      const keyPem = fs.readFileSync(keyFile, "utf8");
      const facts = certificateFacts(certPem);
      const fresh = facts.notAfter - Date.now() > SERVER_CERT_MS / 3;
      const current = fs.readFileSync(namesFile, "utf8") === names && privateKeyType(keyPem) === "ec";
      if (fresh && current && this.signed(certPem))
        return { keyPem, certPem, chainPem: certPem + this.certPem };
    } catch {
      // none yet, or unreadable: issue a new one
    }
    const keys = await generateKeyPair();
    const issued = issueCertificate(this.material, {
      commonName: "corral-hub",
      subjectKey: subjectKeyFromPem(keys.publicKey),
      usage: "server",
      sans: [...new Set(sans)],
      validForMs: SERVER_CERT_MS,
    });
    writeFileAtomic(keyFile, keys.privateKey, 0o600);
    writeFileAtomic(certFile, issued.certPem, 0o644);
    writeFileAtomic(namesFile, names, 0o644);
    return { keyPem: keys.privateKey, certPem: issued.certPem, chainPem: issued.certPem + this.certPem };
  }

  /**
   * Signs a node's certificate for `key` (the key of a certificate request whose signature the
   * caller verified: verifyCsr): subject CN = the node id, OU = its cluster, client use only.
   */
  signNode(
    key: SubjectKey,
    nodeId: string,
    cluster: string,
    validForMs: number,
    now?: number,
  ): IssuedCertificate {
    return issueCertificate(this.material, {
      commonName: nodeId,
      organizationalUnit: cluster,
      subjectKey: key,
      usage: "client",
      validForMs,
      ...(now === undefined ? {} : { now }),
    });
  }

  private signed(certPem: string): boolean {
    return issuedBy(certPem, this.certPem);
  }
}

/**
 * Names the hub's server certificate is valid for: `extra` (CORRAL_TLS_SANS), the listen hosts
 * unless wildcards, this machine's hostname and addresses, and loopback.
 */
export function defaultSans(extra: readonly string[], hosts: readonly string[]): string[] {
  const wildcard = new Set(["0.0.0.0", "::", ""]);
  const addresses = Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((a) => a.address);
  return [
    ...new Set([
      ...extra,
      ...hosts.filter((h) => !wildcard.has(h)),
      "localhost",
      "127.0.0.1",
      "::1",
      os.hostname(),
      ...addresses,
    ]),
  ];
}
