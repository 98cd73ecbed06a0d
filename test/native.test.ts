// Tests of the C++ addon through its raw interface, with real GStreamer pipelines.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

import {
  loadNative,
  type NativeBusMessage,
  type NativeError,
  type NativePipeline,
  type NativeStructure,
} from '../lib/native.js';

const addon = loadNative();
const ADDON_PATH = fileURLToPath(new URL('../../build/Release/gst_kvs.node', import.meta.url));

interface Collected {
  pipeline: NativePipeline;
  messages: NativeBusMessage[];
  batches: number;
}

const created: NativePipeline[] = [];

function launch(description: string): Collected {
  const collected = { messages: [] as NativeBusMessage[], batches: 0 } as Collected;
  collected.pipeline = new addon.Pipeline(description, (batch) => {
    collected.batches++;
    collected.messages.push(...batch);
  });
  created.push(collected.pipeline);
  return collected;
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for the condition`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function rejection(promise: Promise<unknown>): Promise<NativeError> {
  try {
    await promise;
  } catch (error) {
    return error as NativeError;
  }
  throw new Error('Expected the promise to reject');
}

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the call to throw');
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

// Runs a CommonJS script in a child Node process that loads the addon as `addon`.
function runChild(script: string, timeoutMs = 10000): Promise<ChildResult> {
  const source = `const addon = require(${JSON.stringify(ADDON_PATH)});\n${script}`;
  const started = Date.now();
  const child = spawn(process.execPath, ['-e', source], {
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  });

  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Child process still running after ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

afterEach(async () => {
  await Promise.all(created.splice(0).map((pipeline) => pipeline.dispose(2000)));
});

describe('native addon', () => {
  describe('module', () => {
    it('reports the GStreamer version', () => {
      expect(addon.gstreamerVersion()).to.match(/^GStreamer 1\.\d+/);
    });

    it('finds registered element factories', () => {
      expect(addon.hasElementFactory('fakesink')).to.equal(true);
      expect(addon.hasElementFactory('nosuchelement')).to.equal(false);
    });
  });

  describe('parsing', () => {
    it('rejects a missing element', () => {
      const error = thrown(() => launch('videotestsrc ! nosuchelement')) as NativeError;
      expect(error).to.be.instanceOf(Error);
      expect(error.kind).to.equal('parse');
      expect(error.domain).to.equal('gst_parse_error');
      expect(error.code).to.be.a('number');
      expect(error.message).to.include('no element "nosuchelement"');
    });

    it('rejects an unknown property', () => {
      const error = thrown(() => launch('fakesink nosuchproperty=1')) as NativeError;
      expect(error.kind).to.equal('parse');
      expect(error.message).to.include('nosuchproperty');
    });

    it('rejects a property value of the wrong type', () => {
      const error = thrown(() => launch('videotestsrc pattern=nosuchpattern ! fakesink'));
      expect((error as NativeError).kind).to.equal('parse');
      expect(error.message).to.include('pattern');
    });

    it('rejects invalid syntax', () => {
      const error = thrown(() => launch('fakesrc ! ! fakesink')) as NativeError;
      expect(error.kind).to.equal('parse');
    });

    it('checks the constructor arguments', () => {
      const Pipeline = addon.Pipeline as unknown as new (...args: unknown[]) => NativePipeline;
      expect(() => new Pipeline(42, () => {})).to.throw(TypeError, /description/);
      expect(() => new Pipeline('fakesink', null)).to.throw(TypeError, /onMessages/);
    });

    it('wraps a lone element in a pipeline', () => {
      const { pipeline } = launch('fakesink name=only');
      expect(pipeline.name).to.not.equal('only');
      expect(pipeline.getElementByName('only')?.factory).to.equal('fakesink');
    });
  });

  describe('state changes', () => {
    it('plays a live source', async () => {
      const { pipeline, messages } = launch('videotestsrc is-live=true ! fakesink');
      const result = await pipeline.setState('playing', 5000);

      expect(result.state).to.equal('playing');
      expect(['async', 'success', 'no-preroll']).to.include(result.result);
      expect(pipeline.getState()).to.deep.equal({ current: 'playing', pending: 'void-pending' });

      const own = messages.filter((m) => m.type === 'state-changed' && m.source === pipeline.name);
      expect(own.at(-1)?.newState).to.equal('playing');
    });

    it('returns no-preroll when a live source pauses', async () => {
      const { pipeline } = launch('videotestsrc is-live=true ! fakesink');
      const result = await pipeline.setState('paused', 5000);
      expect(result).to.deep.equal({ result: 'no-preroll', state: 'paused' });
    });

    it('plays a non-live source', async () => {
      const { pipeline, messages } = launch('videotestsrc ! fakesink sync=true');
      const result = await pipeline.setState('playing', 5000);

      expect(result).to.deep.equal({ result: 'async', state: 'playing' });
      expect(messages.some((m) => m.type === 'async-done')).to.equal(true);
    });

    it('delivers the messages before settling', async () => {
      const { pipeline, messages } = launch('videotestsrc ! fakesink');
      await pipeline.setState('paused', 5000);

      const own = messages.filter((m) => m.type === 'state-changed' && m.source === pipeline.name);
      expect(own.map((m) => m.newState)).to.deep.equal(['ready', 'paused']);
    });

    it('goes back to NULL', async () => {
      const { pipeline, messages } = launch('videotestsrc is-live=true ! fakesink');
      await pipeline.setState('playing', 5000);
      const result = await pipeline.setState('null', 5000);

      expect(result).to.deep.equal({ result: 'success', state: 'null' });
      expect(pipeline.getState().current).to.equal('null');
      const own = messages.filter((m) => m.type === 'state-changed' && m.source === pipeline.name);
      expect(own.at(-1)?.newState).to.equal('null');
    });

    it('rejects with the bus error of a failing change', async () => {
      const { pipeline, messages } = launch('filesrc name=reader location=/nonexistent ! fakesink');
      const error = await rejection(pipeline.setState('playing', 5000));

      expect(error.kind).to.equal('bus-error');
      expect(error.domain).to.equal('gst-resource-error-quark');
      expect(error.code).to.be.a('number');
      expect(error.source).to.equal('reader');
      expect(error.debug).to.be.a('string');
      expect(error.message).to.be.a('string').and.not.equal('');

      const busError = messages.find((m) => m.type === 'error');
      expect(busError?.error?.domain).to.equal('gst-resource-error-quark');
      expect(busError?.source).to.equal('reader');
      expect(busError?.sourceFactory).to.equal('filesrc');
    });

    it('times out and leaves the change running', async () => {
      // appsrc never pushes a buffer, so the sink never prerolls.
      const { pipeline } = launch('appsrc ! fakesink');
      const error = await rejection(pipeline.setState('paused', 200));

      expect(error.kind).to.equal('timeout');
      expect(error.message).to.equal('State change to PAUSED timed out after 200 ms');
      expect(pipeline.getState().pending).to.equal('paused');
    });

    it('lets a newer change supersede a pending one', async () => {
      const { pipeline } = launch('appsrc ! fakesink');
      const paused = pipeline.setState('paused', 0);
      const stopped = pipeline.setState('null', 5000);

      const error = await rejection(paused);
      expect(error.kind).to.equal('state-change');
      expect(error.message).to.equal(
        'State change to PAUSED was superseded by a state change to NULL',
      );
      expect(await stopped).to.deep.equal({ result: 'success', state: 'null' });
    });

    it('rejects an invalid state name', () => {
      const { pipeline } = launch('fakesink');
      const setState = pipeline.setState.bind(pipeline) as (state: string, ms: number) => unknown;
      expect(() => setState('running', 0)).to.throw(TypeError, /Invalid state "running"/);
    });
  });

  describe('bus messages', () => {
    it('posts EOS at the end of a finite stream', async () => {
      const { pipeline, messages } = launch('videotestsrc num-buffers=30 ! fakesink');
      await pipeline.setState('playing', 5000);
      await waitFor(() => messages.some((m) => m.type === 'eos'));

      const eos = messages.find((m) => m.type === 'eos');
      expect(eos?.source).to.equal(pipeline.name);
      expect(eos?.sourceFactory).to.equal('pipeline');
    });

    it('sends EOS to a live pipeline', async () => {
      const { pipeline, messages } = launch('videotestsrc is-live=true ! fakesink');
      await pipeline.setState('playing', 5000);

      expect(await pipeline.sendEos()).to.equal(true);
      await waitFor(() => messages.some((m) => m.type === 'eos'));
    });

    it('stamps receivedAt on the monotonic clock', async () => {
      const before = process.hrtime.bigint();
      const { pipeline, messages } = launch('videotestsrc num-buffers=5 ! fakesink');
      await pipeline.setState('playing', 5000);
      await waitFor(() => messages.some((m) => m.type === 'eos'));
      const after = process.hrtime.bigint();

      for (const message of messages) {
        expect(message.receivedAt).to.be.a('bigint');
        expect(message.receivedAt >= before).to.equal(true);
        expect(message.receivedAt <= after).to.equal(true);
      }
    });

    it('keeps order under a burst of element messages', async () => {
      // 1000 buffers of 10 ms each, and a level message every 10 ms, as fast as possible.
      const run = launch(
        'audiotestsrc num-buffers=1000 samplesperbuffer=441 ! audio/x-raw,rate=44100 ! ' +
          'level name=meter interval=10000000 ! fakesink sync=false',
      );
      const { pipeline, messages } = run;
      await pipeline.setState('playing', 5000);
      await waitFor(() => messages.some((m) => m.type === 'eos'));

      const levels = messages.filter((m) => m.type === 'element' && m.source === 'meter');
      expect(levels.length).to.be.at.least(1000);
      expect(levels[0].sourceFactory).to.equal('level');
      expect(levels[0].structure?.name).to.equal('level');

      const runningTimes = levels.map((m) => m.structure?.fields['running-time'] as bigint);
      for (let i = 1; i < runningTimes.length; i++) {
        expect(runningTimes[i] > runningTimes[i - 1], `running-time at ${i}`).to.equal(true);
      }

      for (let i = 1; i < messages.length; i++) {
        const ordered = messages[i].receivedAt > messages[i - 1].receivedAt;
        expect(ordered, `receivedAt of message ${i} (${messages[i].type})`).to.equal(true);
      }

      expect(messages.at(-1)?.type).to.equal('eos');
      // Batching: one call of onMessages carries many messages under a burst.
      expect(run.batches).to.be.below(messages.length);
    });

    it('converts message structures', async () => {
      const { pipeline, messages } = launch(
        'audiotestsrc num-buffers=3 samplesperbuffer=441 ! level name=meter interval=10000000 ! ' +
          'fakesink',
      );
      await pipeline.setState('playing', 5000);
      await waitFor(() => messages.some((m) => m.type === 'eos'));

      const level = messages.find((m) => m.type === 'element')?.structure as NativeStructure;
      expect(level.fields['running-time']).to.be.a('bigint');
      expect(level.fields.rms).to.be.an('array').with.length(1);
      expect((level.fields.rms as number[])[0]).to.be.a('number');
    });
  });

  describe('elements and properties', () => {
    it('finds elements by name and factory', () => {
      const { pipeline } = launch(
        'fakesrc name=source ! identity name=first ! identity name=second ! fakesink',
      );

      expect(pipeline.getElementByName('source')?.factory).to.equal('fakesrc');
      expect(pipeline.getElementByName('nosuchname')).to.equal(null);

      const identities = pipeline.getElementsByFactory('identity').map((e) => e.name);
      expect(identities.sort()).to.deep.equal(['first', 'second']);
      expect(pipeline.getElementsByFactory('nosuchfactory')).to.deep.equal([]);
    });

    it('gets and sets strings and booleans', () => {
      const { pipeline } = launch('filesrc name=reader ! fakesink name=sink');
      const reader = pipeline.getElementByName('reader')!;
      const sink = pipeline.getElementByName('sink')!;

      reader.set('location', '/tmp/input.mp4');
      expect(reader.get('location')).to.equal('/tmp/input.mp4');
      reader.set('location', null);
      expect(reader.get('location')).to.equal(null);

      sink.set('sync', true);
      expect(sink.get('sync')).to.equal(true);
    });

    it('gets and sets integers', () => {
      const { pipeline } = launch('fakesink name=sink');
      const sink = pipeline.getElementByName('sink')!;

      sink.set('blocksize', 8192);
      expect(sink.get('blocksize')).to.equal(8192);
      sink.set('num-buffers', -1);
      expect(sink.get('num-buffers')).to.equal(-1);

      sink.set('ts-offset', -5000n);
      expect(sink.get('ts-offset')).to.equal(-5000n);
      sink.set('ts-offset', 42);
      expect(sink.get('ts-offset')).to.equal(42n);

      sink.set('processing-deadline', 18446744073709551615n);
      expect(sink.get('processing-deadline')).to.equal(18446744073709551615n);
    });

    it('gets and sets enums', () => {
      const { pipeline } = launch('fakesink name=sink');
      const sink = pipeline.getElementByName('sink')!;
      expect(sink.get('state-error')).to.equal('none');

      sink.set('state-error', 'ready-to-null');
      expect(sink.get('state-error')).to.equal('ready-to-null');
      // fakesink's enum value names are descriptions.
      sink.set('state-error', 'Fail state change from NULL to READY');
      expect(sink.get('state-error')).to.equal('null-to-ready');
      sink.set('state-error', 0);
      expect(sink.get('state-error')).to.equal('none');
    });

    it('gets and sets structures', () => {
      const { pipeline } = launch('splitmuxsink name=split');
      const split = pipeline.getElementByName('split')!;

      split.set('muxer-properties', 'properties,streamable=true,fragment-duration=1000');
      expect(split.get('muxer-properties')).to.deep.equal({
        name: 'properties',
        fields: { streamable: true, 'fragment-duration': 1000 },
      });

      split.set('muxer-properties', null);
      expect(split.get('muxer-properties')).to.equal(null);
    });

    it('reads read-only structures', () => {
      const { pipeline } = launch('fakesink name=sink');
      const stats = pipeline.getElementByName('sink')!.get('stats') as NativeStructure;
      expect(stats.fields.rendered).to.equal(0n);
    });

    it('names the property in TypeErrors', () => {
      const { pipeline } = launch('fakesink name=kvs');
      const sink = pipeline.getElementByName('kvs')!;

      expect(() => sink.set('acces-key', 'x')).to.throw(
        TypeError,
        'Element "kvs" has no property "acces-key"',
      );
      expect(() => sink.get('acces-key')).to.throw(TypeError, 'has no property "acces-key"');
      expect(() => sink.set('blocksize', 'large')).to.throw(
        TypeError,
        'Property "blocksize" of element "kvs" expects an unsigned integer (guint), got string',
      );
      expect(() => sink.set('blocksize', 1.5)).to.throw(TypeError, 'got 1.5');
      expect(() => sink.set('sync', 1)).to.throw(TypeError, 'expects a boolean');
      expect(() => sink.set('last-message', 'x')).to.throw(TypeError, 'is not writable');
      expect(() => sink.set('parent', 'x')).to.throw(TypeError, 'cannot be set');
      expect(() => sink.set('ts-offset', 2 ** 60)).to.throw(TypeError, 'safe integer');
      expect(() => sink.set('state-error', true)).to.throw(TypeError, 'expects an enum');
    });

    it('names the range in RangeErrors', () => {
      const { pipeline } = launch('fakesink name=kvs');
      const sink = pipeline.getElementByName('kvs')!;

      expect(() => sink.set('blocksize', -1)).to.throw(
        RangeError,
        'Property "blocksize" of element "kvs" must be between 0 and 4294967295, got -1',
      );
      expect(() => sink.set('processing-deadline', 2n ** 64n)).to.throw(RangeError);
      expect(() => sink.set('state-error', 'sometimes')).to.throw(RangeError, 'one of none,');
    });

    it('lists properties from their GParamSpec', () => {
      const { pipeline } = launch('fakesink name=sink');
      const properties = pipeline.getElementByName('sink')!.listProperties();

      const sync = properties.find((p) => p.name === 'sync');
      expect(sync).to.include({ type: 'gboolean', readable: true, writable: true });
      expect(sync?.blurb).to.be.a('string');
      const lastMessage = properties.find((p) => p.name === 'last-message');
      expect(lastMessage).to.include({ type: 'gchararray', writable: false });
    });
  });

  describe('signals', () => {
    it('delivers handoffs in order with the bus messages', async () => {
      const { pipeline, messages } = launch(
        'videotestsrc num-buffers=20 ! fakesink name=sink signal-handoffs=true',
      );
      expect(pipeline.connectSignal('sink', 'handoff')).to.equal(true);
      await pipeline.setState('playing', 5000);
      await waitFor(() => messages.some((m) => m.type === 'eos'));

      const handoffs = messages.filter((m) => m.type === 'signal');
      expect(handoffs).to.have.length(20);
      expect(handoffs[0]).to.include({
        signal: 'handoff',
        source: 'sink',
        sourceFactory: 'fakesink',
      });

      const buffers = handoffs.map((m) => m.args?.[0] as NativeStructure);
      expect(buffers[0].name).to.equal('buffer');
      expect(buffers[0].fields.size).to.be.a('number').above(0);
      for (let i = 1; i < buffers.length; i++) {
        expect((buffers[i].fields.pts as bigint) > (buffers[i - 1].fields.pts as bigint)).to.equal(
          true,
        );
      }
      expect(handoffs[0].args?.[1]).to.equal('sink');

      const lastHandoff = messages.lastIndexOf(handoffs[19]);
      expect(messages.findIndex((m) => m.type === 'eos')).to.be.above(lastHandoff);
    });

    it('reports unknown signals and elements', () => {
      const { pipeline } = launch('fakesink name=sink');
      expect(pipeline.connectSignal('sink', 'no-such-signal')).to.equal(false);
      expect(() => pipeline.connectSignal('nosuchname', 'handoff')).to.throw(
        TypeError,
        'no element named "nosuchname"',
      );
    });
  });

  describe('dispose', () => {
    it('is idempotent and blocks later calls', async () => {
      const { pipeline } = launch('videotestsrc is-live=true ! fakesink');
      await pipeline.setState('playing', 5000);

      await Promise.all([pipeline.dispose(), pipeline.dispose()]);
      await pipeline.dispose();

      const error = thrown(() => pipeline.getState()) as NativeError;
      expect(error.kind).to.equal('disposed');
      expect(() => pipeline.getElementByName('x')).to.throw(/disposed/);
    });

    it('rejects a pending state change', async () => {
      const { pipeline } = launch('appsrc ! fakesink');
      const paused = pipeline.setState('paused', 0);
      const disposed = pipeline.dispose();

      expect((await rejection(paused)).kind).to.equal('disposed');
      await disposed;
    });
  });

  describe('process lifetime', () => {
    it('exits promptly on process.exit() while playing', async () => {
      const result = await runChild(`
        const pipeline = new addon.Pipeline(
          'videotestsrc is-live=true ! video/x-raw,width=1920,height=1080 ! fakesink sync=true',
          () => {});
        pipeline.setState('playing', 5000).then(() => setTimeout(() => process.exit(7), 200));
      `);

      expect(result.signal).to.equal(null);
      expect(result.code).to.equal(7);
      expect(result.elapsedMs).to.be.below(4000);
      expect(result.stderr).to.equal('');
    });

    it('exits by itself once the pipeline is back at NULL', async () => {
      const result = await runChild(`
        const pipeline = new addon.Pipeline('videotestsrc is-live=true ! fakesink', () => {});
        pipeline.setState('playing', 5000)
          .then(() => pipeline.setState('null', 5000))
          .then(() => console.log('stopped'));
      `);

      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal('stopped\n');
      expect(result.elapsedMs).to.be.below(4000);
    });

    it('exits by itself after dispose', async () => {
      const result = await runChild(`
        const pipeline = new addon.Pipeline('videotestsrc is-live=true ! fakesink', () => {});
        pipeline.setState('playing', 5000)
          .then(() => pipeline.dispose())
          .then(() => console.log('disposed'));
      `);

      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal('disposed\n');
    });

    it('reports a throwing message handler', async () => {
      const result = await runChild(`
        let uncaught = 0;
        process.on('uncaughtException', () => uncaught++);
        const pipeline = new addon.Pipeline('videotestsrc num-buffers=3 ! fakesink', () => {
          throw new Error('handler failed');
        });
        pipeline.setState('playing', 5000)
          .then(() => pipeline.dispose())
          .then(() => console.log(uncaught > 0 ? 'reported' : 'lost'));
      `);

      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal('reported\n');
    });

    it('survives a worker thread ending while playing', async () => {
      const result = await runChild(`
        const { Worker } = require('node:worker_threads');
        const worker = new Worker(
          'const addon = require(' + JSON.stringify(${JSON.stringify(ADDON_PATH)}) + ');' +
          'const pipeline = new addon.Pipeline("videotestsrc is-live=true ! fakesink", () => {});' +
          'pipeline.setState("playing", 5000).then(() => require("node:worker_threads")' +
          '.parentPort.postMessage("playing"));',
          { eval: true });
        worker.on('message', () => setTimeout(() => worker.terminate().then(() => {
          console.log('terminated');
        }), 200));
      `);

      expect(result.signal).to.equal(null);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal('terminated\n');
    });
  });
});
