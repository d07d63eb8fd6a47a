/**
 * The CLI's CMS client and the words it uses for a failure: what went wrong and what the
 * operator can do about it. Fails fast (one attempt): a person is waiting at the terminal.
 */
import { createCmsClient, type CmsClient } from "../cms/client.ts";
import { CmsError } from "../cms/errors.ts";
import type { Config } from "../config.ts";
import { errorText } from "../service/log.ts";
import type { CliIo } from "./io.ts";

export function cliCmsClient(config: Config, io: CliIo): CmsClient {
  return createCmsClient({
    username: config.cms.username,
    password: config.cms.password,
    accessClientId: config.cms.accessClientId,
    accessClientSecret: config.cms.accessClientSecret,
    timeoutMs: config.cms.timeoutMs,
    transport: io.cmsTransport(config),
    retry: { attempts: 1 },
  });
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** The first error code along the cause chain, e.g. ECONNREFUSED or a certificate code. */
function codeOf(err: unknown): string | undefined {
  for (let e = err, i = 0; e && typeof e === "object" && i < 6; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function explain(err: unknown, baseUrl: string): string {
  if (!(err instanceof CmsError)) return errorText(err);
  const code = codeOf(err.cause);
  switch (err.kind) {
    case "unauthorised":
      return `the API refused the credentials (${err.status}): check CMS_USERNAME and CMS_PASSWORD, and that the user has the api role (MMP: user add <name> api)`;
    case "unreachable":
      if (code && TLS_CODES.test(code)) return `TLS to ${baseUrl} failed (${code}): the certificate is not trusted; set CMS_CA_FILE to the CA that signed it`;
      return `cannot connect to ${baseUrl}${code ? ` (${code})` : ""}: check the address, the port of the Web Admin/API listener and the firewall`;
    case "timeout":
      return `no answer from ${baseUrl} within CMS_TIMEOUT_MS`;
    case "busy":
      return `${baseUrl} answered busy (${err.status ?? "503"}): try again in a moment`;
    default:
      return err.message;
  }
}
