import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoCredentialServerOptions {
  /** Lifetime of each issued credential, in seconds. */
  lifetimeSeconds: number;
  /** Prefix of the fake access key ids; a 12-digit counter follows. Default "ASIADEMO". */
  keyIdPrefix?: string;
}

export interface DemoCredentialServer {
  /** http://127.0.0.1:<port>/credentials, for AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  readonly url: string;
  /** Value expected in the Authorization header, for AWS_CONTAINER_AUTHORIZATION_TOKEN. */
  readonly authorizationToken: string;
  /** Number of credentials issued so far. */
  readonly issued: number;
  /**
   * Makes the next `count` requests fail with HTTP 500, to show how a provider outage looks.
   */
  failNext(count: number): void;
  close(): Promise<void>;
}

/**
 * Starts a loopback stand-in for the ECS container credentials endpoint: each GET returns
 * fresh fake credentials `{AccessKeyId, SecretAccessKey, Token, Expiration, RoleArn}` that
 * live `lifetimeSeconds`. Listens on 127.0.0.1 only, on a free port.
 */
export async function startDemoCredentialServer(
  options: DemoCredentialServerOptions,
): Promise<DemoCredentialServer> {
  const authorizationToken = randomBytes(16).toString('hex');
  const prefix = options.keyIdPrefix ?? 'ASIADEMO';
  let issued = 0;
  let failures = 0;

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    if (request.headers.authorization !== authorizationToken) {
      reply(response, 401, { message: 'Invalid or missing Authorization token' });
      return;
    }
    if (failures > 0) {
      failures -= 1;
      reply(response, 500, { message: 'Injected failure' });
      return;
    }

    issued += 1;
    const expiration = new Date(Date.now() + options.lifetimeSeconds * 1000);
    reply(response, 200, {
      AccessKeyId: `${prefix}${String(issued).padStart(12, '0')}`,
      SecretAccessKey: `demoSecret${randomBytes(15).toString('hex')}`,
      Token: `demoToken${randomBytes(120).toString('base64url')}`,
      Expiration: expiration.toISOString(),
      RoleArn: 'arn:aws:iam::000000000000:role/gst-kvs-demo',
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/credentials`,
    authorizationToken,
    get issued() {
      return issued;
    },
    failNext(count: number) {
      failures = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
