import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the server fails a request: HTTP 500, no response at all, or a closed connection. */
export type EcsFailureMode = '500' | 'hang' | 'close';

export interface EcsCredentialServerOptions {
  /** Lifetime of each issued set of credentials, in seconds. Default 90. */
  lifetimeSeconds?: number;
  /** Value the Authorization header must carry; requests without it get 401. */
  authorizationToken?: string;
  /** Length of each fake session token. Default 600. */
  sessionTokenLength?: number;
}

/** Fake credentials the server issued: tests search output for these secrets. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface EcsRequestRecord {
  time: Date;
  path: string;
  /** Whether the Authorization header matched (always true without a token check). */
  authorized: boolean;
  outcome: 'credentials' | 'unauthorized' | EcsFailureMode;
  /** Access key id of the credentials sent, if any. */
  accessKeyId?: string;
}

export interface EcsCredentialServer {
  /** Full URI for AWS_CONTAINER_CREDENTIALS_FULL_URI, on 127.0.0.1. */
  readonly url: string;
  readonly requests: EcsRequestRecord[];
  readonly issued: IssuedCredentials[];
  /** Lifetime of credentials issued from now on, in seconds. */
  lifetimeSeconds: number;
  /** Fails the next `count` requests in the given way. */
  failNext(count: number, mode: EcsFailureMode): void;
  /** Returns the last issued credentials again for the next `count` requests, like a cache. */
  repeatLast(count: number): void;
  close(): Promise<void>;
}

// Every secret and token issued in this process, for the search of test output.
const allIssued: IssuedCredentials[] = [];

/** Returns every set of fake credentials that any server in this process has issued. */
export function allIssuedCredentials(): readonly IssuedCredentials[] {
  return allIssued;
}

let keyCounter = 0;

/**
 * Starts a stand-in of the ECS container credentials endpoint on 127.0.0.1 that returns
 * {AccessKeyId, SecretAccessKey, Token, Expiration, RoleArn} with fresh fake credentials.
 */
export async function startEcsCredentialServer(
  options: EcsCredentialServerOptions = {},
): Promise<EcsCredentialServer> {
  const requests: EcsRequestRecord[] = [];
  const issued: IssuedCredentials[] = [];
  const sockets = new Set<Socket>();
  const failures: EcsFailureMode[] = [];
  let repeats = 0;

  const state = {
    lifetimeSeconds: options.lifetimeSeconds ?? 90,
  };

  const issue = (): IssuedCredentials => {
    if (repeats > 0 && issued.length > 0) {
      repeats -= 1;
      return issued[issued.length - 1];
    }

    keyCounter += 1;
    const serial = String(keyCounter).padStart(12, '0');
    const wholeSecondsNow = Math.floor(Date.now() / 1000) * 1000;
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIATEST${serial}`,
      secretAccessKey: `FAKESECRET${serial}${randomBytes(12).toString('hex')}`,
      sessionToken: fakeToken(serial, options.sessionTokenLength ?? 600),
      expiration: new Date(wholeSecondsNow + state.lifetimeSeconds * 1000),
    };
    issued.push(credentials);
    allIssued.push(credentials);
    return credentials;
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const authorized =
      options.authorizationToken === undefined ||
      request.headers.authorization === options.authorizationToken;
    const record: EcsRequestRecord = {
      time: new Date(),
      path: request.url ?? '',
      authorized,
      outcome: 'credentials',
    };
    requests.push(record);

    const failure = failures.shift();
    if (failure !== undefined) {
      record.outcome = failure;
      fail(request, response, failure);
      return;
    }

    if (!authorized) {
      record.outcome = 'unauthorized';
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'invalid authorization token' }));
      return;
    }

    const credentials = issue();
    record.accessKeyId = credentials.accessKeyId;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        RoleArn: 'arn:aws:iam::123456789012:role/gst-kvs-test',
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        Token: credentials.sessionToken,
        Expiration: `${credentials.expiration.toISOString().slice(0, 19)}Z`,
      }),
    );
  };

  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v2/credentials/gst-kvs-test`,
    requests,
    issued,
    get lifetimeSeconds() {
      return state.lifetimeSeconds;
    },
    set lifetimeSeconds(value: number) {
      state.lifetimeSeconds = value;
    },
    failNext(count: number, mode: EcsFailureMode) {
      for (let i = 0; i < count; i += 1) {
        failures.push(mode);
      }
    },
    repeatLast(count: number) {
      repeats += count;
    },
    close() {
      // Hanging requests keep their sockets open; destroy them so close() completes.
      for (const socket of sockets) {
        socket.destroy();
      }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function fail(request: IncomingMessage, response: ServerResponse, mode: EcsFailureMode): void {
  if (mode === '500') {
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: 'injected failure' }));
  } else if (mode === 'close') {
    request.socket.destroy();
  }
  // 'hang' sends nothing; the client times out and close() destroys the socket.
}

function fakeToken(serial: string, length: number): string {
  const prefix = `FAKETOKEN${serial}`;
  const filler = randomBytes(length).toString('base64url');
  return (prefix + filler).slice(0, Math.max(length, prefix.length));
}

const ECS_VARIABLES = [
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_EC2_METADATA_DISABLED',
] as const;

/**
 * Points the AWS SDK's container credential provider at a loopback server: sets
 * AWS_CONTAINER_CREDENTIALS_FULL_URI (and the authorization token), removes the relative URI
 * (which the SDK would fetch from 169.254.170.2) and sets AWS_EC2_METADATA_DISABLED=true.
 * Returns a function that restores the previous values.
 */
export function useEcsEnvironment(url: string, token?: string): () => void {
  const hostname = new URL(url).hostname;
  if (hostname !== '127.0.0.1') {
    throw new Error(`useEcsEnvironment() accepts only 127.0.0.1 URLs, received host ${hostname}`);
  }

  const saved = new Map<string, string | undefined>();
  for (const name of ECS_VARIABLES) {
    saved.set(name, process.env[name]);
  }

  process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = url;
  delete process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  if (token === undefined) {
    delete process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  } else {
    process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = token;
  }
  process.env.AWS_EC2_METADATA_DISABLED = 'true';

  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  };
}
