import { fromContainerMetadata } from '@aws-sdk/credential-providers';
import { expect } from 'chai';

import type { RefreshedEvent } from '../lib/credentials/index.js';
import { startDemoCredentialServer } from '../lib/demo/credential-server.js';
import {
  FragmentLedger,
  toTestCredentialsRead,
  toTestFragment,
  type TestCredentialsRead,
  type TestFragment,
} from '../lib/demo/fragment-ledger.js';
import type { FragmentAckEvent, StreamErrorEvent } from '../lib/kvs/kvs-events.js';
import { KvsPipeline } from '../lib/kvs/kvs-pipeline.js';

const DESCRIPTION =
  'videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! ' +
  'x264enc tune=zerolatency key-int-max=30 speed-preset=ultrafast ! h264parse ! ' +
  'video/x-h264,stream-format=avc,alignment=au ! ' +
  'kvssink name=kvs stream-name=rotation fragment-duration=2000';

const LIFETIME_SECONDS = 90;
const MIN_DISTINCT_KEYS = 4;

function fragment(timecode: number, duration: number, key: string, valid = true): TestFragment {
  return {
    sink: 'kvs',
    timecode: BigInt(timecode),
    duration: BigInt(duration),
    frames: 60,
    accessKeyId: key,
    expiration: 2_000_000_000n,
    signedAt: 1_900_000_000_000n,
    valid,
    credentialSource: 'file',
  };
}

describe('FragmentLedger', () => {
  it('accepts contiguous fragments across a rotation', () => {
    const ledger = new FragmentLedger();
    ledger.add(fragment(1000, 2000, 'A'));
    const check = ledger.add(fragment(3000, 2000, 'B'));
    expect(check).to.deep.equal({ rotated: true, gapMs: 0n, gap: false, expiredKey: false });
    expect(ledger.summary()).to.deep.equal({
      fragments: 2,
      rotations: 1,
      keys: ['A', 'B'],
      gaps: 0,
      expiredKeySignatures: 0,
    });
  });

  it('tolerates 1 ms of rounding', () => {
    const ledger = new FragmentLedger();
    ledger.add(fragment(1000, 2033, 'A'));
    const check = ledger.add(fragment(3034, 2000, 'A'));
    expect(check.gapMs).to.equal(1n);
    expect(check.gap).to.equal(false);
  });

  it('counts a gap and an expired key', () => {
    const ledger = new FragmentLedger();
    ledger.add(fragment(1000, 2000, 'A'));
    expect(ledger.add(fragment(5000, 2000, 'A')).gapMs).to.equal(2000n);
    expect(ledger.add(fragment(7000, 2000, 'A', false)).expiredKey).to.equal(true);
    const late = { ...fragment(9000, 2000, 'A'), signedAt: 2_000_000_000_000n };
    expect(ledger.add(late).expiredKey).to.equal(true, 'signed at the expiration');
    expect(ledger.summary().gaps).to.equal(1);
    expect(ledger.summary().expiredKeySignatures).to.equal(2);
  });
});

describe('credential rotation through fromContainerMetadata', function () {
  // Three rotations of 90 s credentials: the first at about 87 s, then about every 30 s.
  this.timeout(300_000);

  it('signs every fragment with a valid key, with no gap', async () => {
    const server = await startDemoCredentialServer({ lifetimeSeconds: LIFETIME_SECONDS });
    const saved = {
      uri: process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
      token: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN,
    };
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = server.url;
    process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = server.authorizationToken;

    const kvs = new KvsPipeline(DESCRIPTION, { credentials: fromContainerMetadata() });
    const ledger = new FragmentLedger();
    const reads: TestCredentialsRead[] = [];
    const refreshes: RefreshedEvent[] = [];
    const acks: FragmentAckEvent[] = [];
    const streamErrors: StreamErrorEvent[] = [];
    const busErrors: string[] = [];

    const enoughKeys = new Promise<void>((resolve) => {
      kvs.on('element', (message) => {
        const read = toTestCredentialsRead(message);
        if (read !== null) {
          reads.push(read);
        }
        const uploaded = toTestFragment(message);
        if (uploaded === null) {
          return;
        }
        ledger.add(uploaded);

        // Stop two fragments after the last wanted key appears.
        const { keys } = ledger.summary();
        const lastKey = keys[MIN_DISTINCT_KEYS - 1];
        const withLastKey = ledger.fragments.filter((item) => item.accessKeyId === lastKey);
        if (lastKey !== undefined && withLastKey.length >= 2) {
          resolve();
        }
      });
    });
    kvs.on('credentials-refreshed', (event) => refreshes.push(event));
    kvs.on('fragment-ack', (ack) => acks.push(ack));
    kvs.on('stream-error', (event) => streamErrors.push(event));
    kvs.on('error', (error) => busErrors.push(error.message));

    try {
      await kvs.play();
      await Promise.race([enoughKeys, new Promise((resolve) => setTimeout(resolve, 270_000))]);
      const eos = kvs.waitForEos(15_000);
      await kvs.sendEos();
      await eos;
    } finally {
      await kvs.dispose();
      await server.close();
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = saved.uri;
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = saved.token;
      if (saved.uri === undefined) delete process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
      if (saved.token === undefined) delete process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
    }

    const summary = ledger.summary();
    expect(busErrors, 'bus errors').to.deep.equal([]);
    expect(streamErrors, 'stream errors').to.deep.equal([]);
    expect(summary.keys.length, 'distinct keys').to.be.at.least(MIN_DISTINCT_KEYS);
    expect(summary.rotations, 'rotations').to.be.at.least(MIN_DISTINCT_KEYS - 1);
    expect(summary.gaps, 'gaps').to.equal(0);
    expect(summary.expiredKeySignatures, 'fragments signed with an expired key').to.equal(0);

    for (const uploaded of ledger.fragments) {
      expect(uploaded.valid, `fragment ${uploaded.timecode} valid`).to.equal(true);
      expect(uploaded.credentialSource).to.equal('file');
      expect(Number(uploaded.expiration) * 1000).to.be.greaterThan(Number(uploaded.signedAt));
    }
    expect(
      reads.every((read) => read.ok),
      'every file read succeeded',
    ).to.equal(true);
    expect(reads.filter((read) => read.reason === 'expiring').length).to.be.at.least(
      MIN_DISTINCT_KEYS - 1,
    );
    expect(refreshes.length).to.be.at.least(MIN_DISTINCT_KEYS);

    const persisted = acks.filter((ack) => ack.type === 'persisted');
    expect(persisted.length, 'persisted acks').to.equal(summary.fragments);
  });
});
