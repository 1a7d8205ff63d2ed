import { generateKeyPair, type KeyPairPem } from "../../lib/pki/certificates";

let shared: Promise<KeyPairPem> | null = null;

/**
 * One key pair for every test agent and raw test client in this process: the certificate, not the
 * key, names the node (a test of an impostor makes its own: a join signed with a node's live key is
 * that node's retry).
 */
export function testKeys(): Promise<KeyPairPem> {
  shared ??= generateKeyPair();
  return shared;
}
