import { generateKeyPair, type KeyPairPem } from "../../lib/pki/certificates";

let shared: Promise<KeyPairPem> | null = null;

/**
 * One RSA key pair for every test agent and raw test client in this process: generating one costs
 * ~0.1-0.5 s of CPU, and the certificate, not the key, names the node.
 */
export function testKeys(): Promise<KeyPairPem> {
  shared ??= generateKeyPair();
  return shared;
}
