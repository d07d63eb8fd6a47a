/**
 * A throwaway CA and a leaf certificate for 127.0.0.1/localhost, made with the openssl CLI at
 * run time so that no key material lives in the repository. The leaf is `CA:FALSE` because
 * Deno (rustls) refuses a CA certificate used as a server certificate (TOOLCHAIN.md §5).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export interface TestCa {
  caPem: string;
  /** The leaf's private key. */
  keyPem: string;
  /** The leaf certificate, signed by the CA. */
  certPem: string;
  /** `caPem` on disk, for tools that take a file (`NODE_EXTRA_CA_CERTS`, `deno --cert`). */
  caFile: string;
  dir: string;
}

const run = promisify(execFile);

const LEAF_EXTENSIONS = [
  "basicConstraints=critical,CA:FALSE",
  "keyUsage=critical,digitalSignature,keyEncipherment",
  "extendedKeyUsage=serverAuth",
  "subjectAltName=IP:127.0.0.1,DNS:localhost",
].join("\n");

export async function makeTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), "cms-notify-ca-"));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });

  await openssl(
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=cms-notify test CA",
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout", file("ca.key"), "-out", file("ca.pem"),
  );
  await openssl(
    "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
    "-keyout", file("leaf.key"), "-out", file("leaf.csr"),
  );
  await writeFile(file("leaf.ext"), `${LEAF_EXTENSIONS}\n`);
  await openssl(
    "x509", "-req", "-in", file("leaf.csr"), "-days", "2",
    "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial",
    "-extfile", file("leaf.ext"), "-out", file("leaf.pem"),
  );

  const [caPem, keyPem, certPem] = await Promise.all(
    ["ca.pem", "leaf.key", "leaf.pem"].map((name) => readFile(file(name), "utf8")),
  );
  return { caPem, keyPem, certPem, caFile: file("ca.pem"), dir };
}
