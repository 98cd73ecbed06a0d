import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

import { GstError, Pipeline } from '../lib/index.js';

const indexUrl = new URL('../lib/index.js', import.meta.url).href;
const distRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs an ES module script in a child Node process and returns its output. */
function runScript(script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: distRoot,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('Pipeline', function () {
  this.timeout(20_000);

  it('joins play() calls for the same state', async () => {
    const pipeline = new Pipeline('videotestsrc is-live=true ! fakesink');
    try {
      await Promise.all([pipeline.play(), pipeline.play()]);
      expect(pipeline.state).to.equal('playing');
    } finally {
      await pipeline.dispose();
    }
  });

  it('reports state null after dispose', async () => {
    const pipeline = new Pipeline('videotestsrc is-live=true ! fakesink');
    await pipeline.play();
    await pipeline.dispose();
    expect(pipeline.state).to.equal('null');
  });

  it('rejects waitForEos after dispose', async () => {
    const pipeline = new Pipeline('videotestsrc ! fakesink');
    await pipeline.dispose();
    const error = await pipeline.waitForEos(1000).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).to.be.instanceOf(GstError);
    expect((error as GstError).kind).to.equal('disposed');
  });

  it('rejects an out-of-range timeout', async () => {
    const pipeline = new Pipeline('videotestsrc ! fakesink');
    try {
      const error = await pipeline.play({ timeoutMs: 2 ** 31 }).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).to.be.instanceOf(RangeError);
    } finally {
      await pipeline.dispose();
    }
  });

  it('delivers the whole batch when a listener throws', () => {
    const script = `
      import { Pipeline } from '${indexUrl}';
      let thrown = 0;
      process.on('uncaughtException', () => { thrown += 1; });
      const pipeline = new Pipeline('videotestsrc num-buffers=10 ! fakesink');
      const types = [];
      let first = true;
      pipeline.on('message', (message) => {
        types.push(message.type);
        if (first) { first = false; throw new Error('listener failure'); }
      });
      pipeline.on('eos', async () => {
        await pipeline.dispose();
        console.log(JSON.stringify({ thrown, types }));
      });
      await pipeline.play();
    `;
    const result = runScript(script);
    expect(result.status, result.stderr).to.equal(0);
    const { thrown, types } = JSON.parse(result.stdout) as { thrown: number; types: string[] };
    expect(thrown).to.be.greaterThan(0);
    expect(types).to.include('state-changed');
    expect(types).to.include('stream-start');
    expect(types).to.include('eos');
  });

  it('warns about an unhandled error', () => {
    const script = `
      import { Pipeline } from '${indexUrl}';
      const pipeline = new Pipeline('filesrc location=/nonexistent/gst-kvs-test ! fakesink');
      await pipeline.play().catch(() => undefined);
      await pipeline.dispose();
    `;
    const result = runScript(script);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stderr).to.include('GST_KVS_UNHANDLED_ERROR');
    expect(result.stderr).to.include('from "filesrc0"');
  });
});
